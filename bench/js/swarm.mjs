// N dht-rpc nodes in this process: bootstrap time (waves), RSS per node, FIND_NODE lookup latency.
// Prints one JSON line. Run with --expose-gc so RSS is read after a full collection.
import { DHT, bootstrapper, dhtRpcVersion, args, num, rssBytes, collect, withTimeout, percentile, destroyAll } from './common.mjs'
import crypto from 'node:crypto'

const a = args()
const count = num(a.nodes, 500)
const wave = num(a.wave, 10)
const lookups = num(a.lookups, 200)
const budget = num(a['timeout-ms'], 300000)
const started = Date.now()
const left = () => Math.max(1000, budget - (Date.now() - started))

const boot = await bootstrapper(num(a.port, 0))
// Baseline with the code loaded and the bootstrapper running: the figure is what each further node adds.
collect()
const baseline = rssBytes()
const bootstrap = [`127.0.0.1:${boot.address().port}`]
const nodes = []
const t0 = process.hrtime.bigint()
while (nodes.length < count) {
  const batch = []
  for (let i = 0; i < wave && nodes.length + batch.length < count; i++) {
    batch.push(new DHT({ bootstrap, ephemeral: false, host: '127.0.0.1' }))
  }
  nodes.push(...batch)
  await withTimeout(Promise.all(batch.map((n) => n.fullyBootstrapped())), left(), 'bootstrap')
}
const bootstrapSeconds = Number(process.hrtime.bigint() - t0) / 1e9
collect()
const rss = rssBytes()

const latencies = []
let failed = 0
for (let i = 0; i < lookups && Date.now() - started < budget; i++) {
  const node = nodes[Math.floor(Math.random() * nodes.length)]
  const s = process.hrtime.bigint()
  try {
    await withTimeout(node.findNode(crypto.randomBytes(32)).finished(), 30000, 'lookup')
    latencies.push(Number(process.hrtime.bigint() - s) / 1e6)
  } catch {
    failed++
  }
}
latencies.sort((x, y) => x - y)
const result = {
  impl: `dht-rpc ${dhtRpcVersion}`,
  nodes: nodes.length,
  bootstrapSeconds,
  rssPerNodeBytes: (rss - baseline) / nodes.length,
  lookups: latencies.length,
  lookupFailures: failed,
  lookupMedianMs: percentile(latencies, 0.5),
  lookupP90Ms: percentile(latencies, 0.9)
}
await destroyAll([...nodes, boot])
process.stdout.write(JSON.stringify(result) + '\n')
process.exit(0)
