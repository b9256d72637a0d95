// Prints hyperdht's encodings and signatures for fixed inputs as JSON, so the .NET family can be
// checked byte for byte against them: node hyperdht-vectors.mjs > ../tests/DhtRpc.Storage.Tests/TestData/hyperdht-vectors.json
import { createRequire } from 'module'
const require = createRequire(import.meta.url)
const c = require('compact-encoding')
const m = require('hyperdht/lib/messages')
const { NS } = require('hyperdht/lib/constants')
const Persistent = require('hyperdht/lib/persistent')
const HyperDHT = require('hyperdht')

const hex = (b) => Buffer.from(b).toString('hex')
const bytes = (n, start) => Buffer.from(Array.from({ length: n }, (_, i) => (start + i) & 255))

const keyPair = HyperDHT.keyPair(bytes(32, 7))
const peer = { publicKey: keyPair.publicKey, relayAddresses: [{ host: '10.0.0.1', port: 49737 }, { host: '127.0.0.1', port: 1 }] }
const target = bytes(32, 100)
const nodeId = bytes(32, 200)
const token = bytes(32, 50)
const refresh = bytes(32, 9)
const announce = { peer, refresh, signature: null, bump: 1700000000000 }
announce.signature = Persistent.signAnnounce(target, token, nodeId, announce, keyPair.secretKey)
const unannounce = { peer, refresh: null, signature: null, bump: 0 }
unannounce.signature = Persistent.signUnannounce(target, token, nodeId, unannounce, keyPair.secretKey)
const mutableValue = Buffer.from('hello from hyperdht')
const mutableSignature = Persistent.signMutable(3, mutableValue, keyPair.secretKey)

console.log(JSON.stringify({
  ns: { announce: hex(NS.ANNOUNCE), unannounce: hex(NS.UNANNOUNCE), mutablePut: hex(NS.MUTABLE_PUT) },
  keyPair: { seed: hex(bytes(32, 7)), publicKey: hex(keyPair.publicKey) },
  target: hex(target),
  nodeId: hex(nodeId),
  token: hex(token),
  peer: hex(c.encode(m.peer, peer)),
  announce: hex(c.encode(m.announce, announce)),
  unannounce: hex(c.encode(m.announce, unannounce)),
  refreshOnly: hex(c.encode(m.announce, { peer: null, refresh, signature: null, bump: 0 })),
  lookupReply: hex(c.encode(m.lookupRawReply, { peers: [c.encode(m.peer, peer), c.encode(m.peer, { publicKey: target, relayAddresses: [] })], bump: 42 })),
  mutable: {
    seq: 3,
    value: hex(mutableValue),
    signature: hex(mutableSignature),
    put: hex(c.encode(m.mutablePutRequest, { publicKey: keyPair.publicKey, seq: 3, value: mutableValue, signature: mutableSignature })),
    getReply: hex(c.encode(m.mutableGetResponse, { seq: 3, value: mutableValue, signature: mutableSignature }))
  },
  handshake: hex(c.encode(m.handshake, { mode: 2, noise: bytes(40, 1), peerAddress: { host: '192.168.1.2', port: 5000 }, relayAddress: null })),
  handshakeBare: hex(c.encode(m.handshake, { mode: 0, noise: bytes(3, 1), peerAddress: null, relayAddress: null })),
  holepunch: hex(c.encode(m.holepunch, { mode: 1, id: 300, payload: bytes(20, 5), peerAddress: { host: '1.2.3.4', port: 65535 } }))
}, null, 2))
