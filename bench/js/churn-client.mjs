// A fresh client process after churn: joins through --bootstrap (ephemeral, as a one-shot client
// is), then one findNode of a random target. Prints one JSON line with both times.
import { DHT, dhtRpcVersion, args, num, withTimeout } from './common.mjs'
import crypto from 'node:crypto'

const a = args()
const budget = num(a['timeout-ms'], 60000)
const t0 = process.hrtime.bigint()
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6
const node = new DHT({ bootstrap: [a.bootstrap], host: '127.0.0.1' })
const result = { impl: `dht-rpc ${dhtRpcVersion}` }
try {
  await withTimeout(node.fullyBootstrapped(), budget, 'join')
  result.joinMs = ms(t0)
  const t1 = process.hrtime.bigint()
  const query = node.findNode(crypto.randomBytes(32))
  await withTimeout(query.finished(), budget, 'lookup')
  result.lookupMs = ms(t1)
  result.closest = query.closestReplies.length
} catch (err) {
  result.error = err.message
}
result.totalMs = ms(t0)
process.stdout.write(JSON.stringify(result) + '\n')
node.destroy().catch(() => {})
process.exit(0)
