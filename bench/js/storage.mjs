// Content store with dht-rpc: S nodes storing command 0 (INSERT, with token) and answering command 1 (GET),
// and an ephemeral client doing the study's insert (query + commit) and retrieve (first reply hashing to the
// key). Prints one JSON line with puts and gets per second.
import { DHT, bootstrapper, dhtRpcVersion, args, num, withTimeout, destroyAll } from './common.mjs'
import { kv, documentOf as studyDocument, put as studyPut, get as studyGet } from './study-store.mjs'

const a = args()
const count = num(a.nodes, 30)
const ops = num(a.ops, 50)
const size = num(a.size, 1024)
const wave = num(a.wave, 10)
const budget = num(a['timeout-ms'], 120000)
const started = Date.now()

const boot = await bootstrapper(0)
kv(boot)
const bootstrap = [`127.0.0.1:${boot.address().port}`]
const nodes = []
while (nodes.length < count) {
  const batch = []
  for (let i = 0; i < wave && nodes.length + batch.length < count; i++) {
    const n = new DHT({ bootstrap, ephemeral: false, host: '127.0.0.1' })
    kv(n)
    batch.push(n)
  }
  nodes.push(...batch)
  await withTimeout(Promise.all(batch.map((n) => n.fullyBootstrapped())), budget, 'bootstrap')
}
// --clients C: C ephemeral client nodes, each taking the next document (or key) as soon as it is free.
const clients = []
for (let c = 0; c < Math.max(1, num(a.clients, 1)); c++) {
  const client = new DHT({ bootstrap, ephemeral: true, host: '127.0.0.1' })
  clients.push(client)
  await client.fullyBootstrapped()
}

const documentOf = (i) => studyDocument(i, size)
const stored = new Array(ops).fill(null)
let putFailures = 0
let next = 0
let t = process.hrtime.bigint()
await Promise.all(clients.map(async (client) => {
  for (let i = next++; i < ops && Date.now() - started < budget; i = next++) {
    try {
      const r = await withTimeout(studyPut(client, documentOf(i)), 30000, 'put')
      if (r.accepted > 0) stored[i] = r.target
      else putFailures++
    } catch { putFailures++ }
  }
}))
const putSeconds = Number(process.hrtime.bigint() - t) / 1e9
const keys = stored.filter((k) => k !== null)
const puts = keys.length + putFailures
let found = 0
let getFailures = 0
next = 0
t = process.hrtime.bigint()
await Promise.all(clients.map(async (client) => {
  for (let i = next++; i < keys.length && Date.now() - started < budget; i = next++) {
    try {
      if (await withTimeout(studyGet(client, keys[i]), 30000, 'get')) found++
      else getFailures++
    } catch { getFailures++ }
  }
}))
const getSeconds = Number(process.hrtime.bigint() - t) / 1e9
const result = {
  impl: `dht-rpc ${dhtRpcVersion}`,
  nodes: nodes.length + 1,
  clients: clients.length,
  size: documentOf(0).length,
  puts,
  putFailures,
  putsPerSecond: puts / putSeconds,
  gets: found + getFailures,
  getFailures,
  getsPerSecond: (found + getFailures) / getSeconds
}
await destroyAll([...clients, ...nodes, boot])
process.stdout.write(JSON.stringify(result) + '\n')
process.exit(0)
