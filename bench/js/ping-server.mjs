// One dht-rpc bootstrapper on 127.0.0.1:PORT answering PINGs until stdin closes or SIGTERM.
import { DHT, bootstrapper, args, num } from './common.mjs'

const a = args()
const node = await bootstrapper(num(a.port, 0))
process.stdout.write(`ready ${node.address().port}\n`)
const stop = async () => { await node.destroy(); process.exit(0) }
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
