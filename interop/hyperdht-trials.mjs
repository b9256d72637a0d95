// hyperdht peers on a network they did not build: connect, announce/lookup, immutable and mutable
// put/get between JS hyperdht nodes, repeated for a number of trials, each with fresh keys.
//
//   node hyperdht-trials.mjs --bootstrap 127.0.0.1:PORT [--peers 4] [--trials 10]
//   node hyperdht-trials.mjs --plain 30 [--peers 4] [--trials 10]   (control: a JS dht-rpc bootstrap
//                                                                     and 30 plain dht-rpc nodes)
//
// Prints one JSON line per trial ({"trial":n,"connect":true,...}) and a last line {"summary":{...}}.
import DHT from 'dht-rpc'
import HyperDHT from 'hyperdht'
import crypto from 'crypto'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf('--' + name)
  return i >= 0 ? args[i + 1] : fallback
}
const peerCount = Number(option('peers', '4'))
const trials = Number(option('trials', '10'))
const plain = Number(option('plain', '0'))
const stepTimeout = Number(option('timeout', '20000'))

const plainNodes = []
let bootstrap = option('bootstrap', null)
if (plain > 0) {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const boot = DHT.bootstrapper(port, '127.0.0.1')
  await boot.ready()
  plainNodes.push(boot)
  bootstrap = `127.0.0.1:${port}`
  for (let i = 0; i < plain; i++) {
    const node = new DHT({ bootstrap: [bootstrap], host: '127.0.0.1', ephemeral: false, firewalled: false })
    await node.fullyBootstrapped()
    plainNodes.push(node)
  }
}
if (!bootstrap) {
  console.error('say --bootstrap host:port or --plain N')
  process.exit(2)
}
const [bootHost, bootPort] = bootstrap.split(':')

const peers = []
for (let i = 0; i < peerCount; i++) {
  const node = new HyperDHT({ bootstrap: [{ host: bootHost, port: Number(bootPort) }], host: '127.0.0.1', ephemeral: false, firewalled: false })
  await node.fullyBootstrapped()
  peers.push(node)
}

function within(ms, promise) {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms) })
  ])
}

async function connectBothWays(trial) {
  const keyPair = HyperDHT.keyPair()
  const server = peers[0].createServer((socket) => {
    socket.on('error', () => {})
    socket.on('data', (data) => { if (data.toString() === `ping ${trial}`) socket.write(`pong ${trial}`) })
  })
  await server.listen(keyPair)
  try {
    const socket = peers[1].connect(keyPair.publicKey)
    socket.on('error', () => {})
    const answer = new Promise((resolve, reject) => {
      socket.once('data', (data) => resolve(data.toString()))
      socket.once('close', () => reject(new Error('closed before answering')))
    })
    socket.write(`ping ${trial}`)
    const got = await within(stepTimeout, answer)
    socket.destroy()
    return got === `pong ${trial}`
  } finally {
    await server.close()
  }
}

async function announceLookup() {
  const topic = crypto.randomBytes(32)
  const keyPair = HyperDHT.keyPair()
  await within(stepTimeout, peers[2 % peerCount].announce(topic, keyPair).finished())
  const found = []
  for await (const reply of peers[3 % peerCount].lookup(topic)) {
    for (const peer of reply.peers) found.push(peer.publicKey.toString('hex'))
  }
  return found.includes(keyPair.publicKey.toString('hex'))
}

async function immutable(trial) {
  const value = Buffer.from(`immutable value of trial ${trial} ${crypto.randomBytes(8).toString('hex')}`)
  const { hash } = await within(stepTimeout, peers[0].immutablePut(value))
  const got = await within(stepTimeout, peers[3 % peerCount].immutableGet(hash))
  return !!got && Buffer.compare(got.value, value) === 0
}

async function mutable(trial) {
  const keyPair = HyperDHT.keyPair()
  const value = Buffer.from(`mutable value of trial ${trial}`)
  await within(stepTimeout, peers[1 % peerCount].mutablePut(keyPair, value, { seq: 1 }))
  const got = await within(stepTimeout, peers[2 % peerCount].mutableGet(keyPair.publicKey, { latest: true }))
  return !!got && got.seq === 1 && Buffer.compare(got.value, value) === 0
}

async function attempt(fn) {
  try {
    return { ok: await fn() }
  } catch (err) {
    return { ok: false, error: err.message }
  }
}

const summary = { trials, connect: 0, announceLookup: 0, immutable: 0, mutable: 0 }
for (let trial = 1; trial <= trials; trial++) {
  const result = { trial }
  for (const [name, fn] of [['connect', connectBothWays], ['announceLookup', announceLookup], ['immutable', immutable], ['mutable', mutable]]) {
    const { ok, error } = await attempt(() => fn(trial))
    result[name] = ok
    if (error) result[name + 'Error'] = error
    if (ok) summary[name]++
  }
  console.log(JSON.stringify(result))
}
console.log(JSON.stringify({ summary }))

for (const node of [...peers, ...plainNodes]) await node.destroy()
process.exit(0)
