// One process of a churn network: --nodes N dht-rpc nodes (ephemeral: false) joining through
// --bootstrap, or with --bootstrapper true a bootstrapper alone. Prints "ready PORT" once all are
// bootstrapped, then runs until killed (the churn benchmark kills it with SIGKILL). With
// --storage true every node keeps the study's content store (study-store.mjs).
import { DHT, bootstrapper, args, num, withTimeout } from './common.mjs'
import { kv } from './study-store.mjs'

const a = args()
if (a.bootstrapper === 'true') {
  const boot = await bootstrapper(num(a.port, 0))
  if (a.storage === 'true') kv(boot)
  process.stdout.write(`ready ${boot.address().port}\n`)
} else {
  const count = num(a.nodes, 10)
  const bootstrap = [a.bootstrap]
  const nodes = []
  for (let i = 0; i < count; i++) nodes.push(new DHT({ bootstrap, ephemeral: false, host: '127.0.0.1' }))
  if (a.storage === 'true') nodes.forEach(kv)
  await withTimeout(Promise.all(nodes.map((n) => n.fullyBootstrapped())), num(a['timeout-ms'], 120000), 'bootstrap')
  process.stdout.write(`ready ${nodes[0].address().port}\n`)
}
setInterval(() => {}, 1 << 30)
