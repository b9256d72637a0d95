// A fresh client process after churn: joins through --bootstrap (ephemeral, as a one-shot client
// is), then one findNode of a random target. Prints one JSON line with both times. With --put N it
// stores N documents instead (study insert) and prints their keys; with --get KEY it also times a
// retrieve of KEY after the lookup. --lookup false leaves the lookup out (a one-shot put or get).
import { DHT, dhtRpcVersion, args, num, withTimeout } from './common.mjs'
import crypto from 'node:crypto'
import { documentOf, put, get } from './study-store.mjs'

const a = args()
const budget = num(a['timeout-ms'], 60000)
const t0 = process.hrtime.bigint()
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6
const node = new DHT({ bootstrap: [a.bootstrap], host: '127.0.0.1' })
const result = { impl: `dht-rpc ${dhtRpcVersion}` }
try {
  await withTimeout(node.fullyBootstrapped(), budget, 'join')
  result.joinMs = ms(t0)
  if (a.put) {
    result.keys = []
    for (let i = 0; i < num(a.put, 10); i++) {
      const r = await withTimeout(put(node, documentOf(i, num(a.size, 1024))), budget, 'put')
      if (r.accepted > 0) result.keys.push(r.target.toString('hex'))
    }
  }
  if (a.lookup !== 'false') {
    const t1 = process.hrtime.bigint()
    const query = node.findNode(crypto.randomBytes(32))
    await withTimeout(query.finished(), budget, 'lookup')
    result.lookupMs = ms(t1)
    result.closest = query.closestReplies.length
  }
  if (a.get) {
    const t2 = process.hrtime.bigint()
    const value = await withTimeout(get(node, Buffer.from(a.get, 'hex')), budget, 'get')
    result.getMs = ms(t2)
    result.found = value !== null
  }
} catch (err) {
  result.error = err.message
}
result.totalMs = ms(t0)
process.stdout.write(JSON.stringify(result) + '\n')
node.destroy().catch(() => {})
process.exit(0)
