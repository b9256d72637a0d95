// Content store with dht-rpc: S nodes storing command 0 (INSERT, with token) and answering command 1 (GET),
// and an ephemeral client doing the study's insert (query + commit) and retrieve (first reply hashing to the
// key). Prints one JSON line with puts and gets per second.
import { DHT, bootstrapper, dhtRpcVersion, args, num, withTimeout, destroyAll } from './common.mjs'
import crypto from 'node:crypto'

const a = args()
const count = num(a.nodes, 30)
const ops = num(a.ops, 50)
const size = num(a.size, 1024)
const wave = num(a.wave, 10)
const budget = num(a['timeout-ms'], 120000)
const started = Date.now()
const sha256 = (b) => crypto.createHash('sha256').update(b).digest()

function kv (dht) {
  const store = new Map()
  dht.on('request', (req) => {
    if (req.command === 0) {
      if (req.token && req.value && req.target) store.set(req.target.toString('hex'), req.value)
      req.reply(null)
    } else if (req.command === 1) {
      req.reply(req.target ? store.get(req.target.toString('hex')) || null : null)
    } else {
      req.reply(req.value)
    }
  })
}

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
const client = new DHT({ bootstrap, ephemeral: true, host: '127.0.0.1' })
await client.fullyBootstrapped()

function documentOf (i) {
  const head = JSON.stringify({ i, pad: '' })
  return Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(Math.max(0, size - head.length)) }), 'utf8')
}

async function put (value) {
  const target = sha256(value)
  let accepted = 0
  const commit = async (reply, dht) => {
    const res = await dht.request({ token: reply.token, target, command: 0, value }, reply.from)
    if (res.error === 0) accepted++
    return res
  }
  const q = client.query({ target, command: 0, value }, { commit })
  await q.finished()
  return { target, accepted }
}

async function get (target) {
  const q = client.query({ target, command: 1 })
  for await (const reply of q) {
    if (reply.value && sha256(reply.value).equals(target)) {
      q.destroy()
      return reply.value
    }
  }
  return null
}

const keys = []
let putFailures = 0
let t = process.hrtime.bigint()
for (let i = 0; i < ops && Date.now() - started < budget; i++) {
  try {
    const r = await withTimeout(put(documentOf(i)), 30000, 'put')
    if (r.accepted > 0) keys.push(r.target)
    else putFailures++
  } catch { putFailures++ }
}
const putSeconds = Number(process.hrtime.bigint() - t) / 1e9
const puts = keys.length + putFailures
let found = 0
let getFailures = 0
t = process.hrtime.bigint()
for (const key of keys) {
  if (Date.now() - started >= budget) break
  try {
    if (await withTimeout(get(key), 30000, 'get')) found++
    else getFailures++
  } catch { getFailures++ }
}
const getSeconds = Number(process.hrtime.bigint() - t) / 1e9
const result = {
  impl: `dht-rpc ${dhtRpcVersion}`,
  nodes: nodes.length + 1,
  size: documentOf(0).length,
  puts,
  putFailures,
  putsPerSecond: puts / putSeconds,
  gets: found + getFailures,
  getFailures,
  getsPerSecond: (found + getFailures) / getSeconds
}
await destroyAll([client, ...nodes, boot])
process.stdout.write(JSON.stringify(result) + '\n')
process.exit(0)
