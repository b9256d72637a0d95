// One hyperdht record operation by a JS hyperdht client, for the .NET client to meet:
//   node hyperdht-records.mjs --bootstrap HOST:PORT <op> [args]
//   immutable-put VALUEHEX            -> {"hash":"…"}
//   immutable-get HASHHEX             -> {"value":"…"|null}
//   mutable-put SEEDHEX VALUEHEX SEQ  -> {"publicKey":"…"}
//   mutable-get PUBLICKEYHEX          -> {"seq":n,"value":"…"}|{"value":null}
//   announce TOPICHEX SEEDHEX         -> {"publicKey":"…"}
//   lookup TOPICHEX                   -> {"publicKeys":["…"]}
import HyperDHT from 'hyperdht'

const args = process.argv.slice(2)
const at = args.indexOf('--bootstrap')
const [host, port] = args[at + 1].split(':')
const [op, ...rest] = args.filter((_, i) => i !== at && i !== at + 1)
const hex = (b) => b ? Buffer.from(b).toString('hex') : null
const buf = (h) => Buffer.from(h, 'hex')

const node = new HyperDHT({ bootstrap: [{ host, port: Number(port) }], host: '127.0.0.1', ephemeral: true })
await node.fullyBootstrapped()
let out
switch (op) {
  case 'immutable-put': out = { hash: hex((await node.immutablePut(buf(rest[0]))).hash) }; break
  case 'immutable-get': out = { value: hex((await node.immutableGet(buf(rest[0])))?.value) }; break
  case 'mutable-put': {
    const keyPair = HyperDHT.keyPair(buf(rest[0]))
    await node.mutablePut(keyPair, buf(rest[1]), { seq: Number(rest[2]) })
    out = { publicKey: hex(keyPair.publicKey) }
    break
  }
  case 'mutable-get': {
    const got = await node.mutableGet(buf(rest[0]), { latest: true })
    out = got ? { seq: got.seq, value: hex(got.value) } : { value: null }
    break
  }
  case 'announce': {
    const keyPair = HyperDHT.keyPair(buf(rest[1]))
    await node.announce(buf(rest[0]), keyPair).finished()
    out = { publicKey: hex(keyPair.publicKey) }
    break
  }
  case 'lookup': {
    const keys = new Set()
    for await (const reply of node.lookup(buf(rest[0]))) for (const peer of reply.peers) keys.add(hex(peer.publicKey))
    out = { publicKeys: [...keys] }
    break
  }
  default: console.error('unknown operation ' + op); process.exit(2)
}
console.log(JSON.stringify(out))
await node.destroy()
