// Measures the largest datagram a dht-rpc node receives, on 127.0.0.1.
//
//   node datagram-limit.mjs
//
// Prints one JSON line on stdout (a summary for people goes to stderr):
//   socket:  for datagrams of chosen sizes, how many bytes dht-rpc's socket handed up
//   request: the largest request datagram a node decodes, and the largest value in a request
//            shaped like a query (no id, no token) and like a commit (id and token)
//   reply:   the largest reply datagram a requesting node decodes, and the largest value in a
//            reply that also carries an id, a token and 20 closer nodes
//
// No timers decide anything: every probe is followed by a small marker on the same path, and
// loopback UDP between two sockets keeps order, so when the marker arrives the probe has either
// arrived before it or is lost.

import DHT from 'dht-rpc'
import dgram from 'node:dgram'

const HOST = '127.0.0.1'
const REQUEST_ID = 0x03
const RESPONSE_ID = 0x13
const PROBE_COMMAND = 9
const MARKER_COMMAND = 10
const LARGEST = 65_000

function uint(n) {
  if (n < 0xfd) return Buffer.from([n])
  const b = Buffer.alloc(3)
  b[0] = 0xfd
  b.writeUInt16LE(n, 1)
  return b
}

function ipv4(host, port) {
  const b = Buffer.alloc(6)
  host.split('.').forEach((part, i) => { b[i] = Number(part) })
  b.writeUInt16LE(port, 4)
  return b
}

function u16(n) {
  const b = Buffer.alloc(2)
  b.writeUInt16LE(n, 0)
  return b
}

function request({ tid, to, id = null, token = null, command, target = null, value = null }) {
  const flags = (id ? 1 : 0) | (token ? 2 : 0) | (target ? 8 : 0) | (value ? 16 : 0)
  const parts = [Buffer.from([REQUEST_ID, flags]), u16(tid), to]
  if (id) parts.push(id)
  if (token) parts.push(token)
  parts.push(uint(command))
  if (target) parts.push(target)
  if (value) parts.push(uint(value.length), value)
  return Buffer.concat(parts)
}

function reply({ tid, to, id = null, token = null, closer = [], value = null }) {
  const flags = (id ? 1 : 0) | (token ? 2 : 0) | (closer.length ? 4 : 0) | (value ? 16 : 0)
  const parts = [Buffer.from([RESPONSE_ID, flags]), u16(tid), to]
  if (id) parts.push(id)
  if (token) parts.push(token)
  if (closer.length) parts.push(uint(closer.length), ...closer)
  if (value) parts.push(uint(value.length), value)
  return Buffer.concat(parts)
}

// The largest n in [low, high] for which probe(n) is true; probe(low) must be true.
async function largest(low, high, probe) {
  if (await probe(high)) return high
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    if (await probe(mid)) low = mid
    else high = mid
  }
  return low
}

function udpSocket() {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4')
    sock.once('error', reject)
    sock.bind(0, HOST, () => resolve(sock))
  })
}

function freePort() {
  return udpSocket().then((sock) => {
    const { port } = sock.address()
    return new Promise((resolve) => sock.close(() => resolve(port)))
  })
}

function sendTo(sock, buffer, port) {
  return new Promise((resolve, reject) => sock.send(buffer, port, HOST, (err) => (err ? reject(err) : resolve())))
}

const node = DHT.bootstrapper(await freePort(), HOST, { host: HOST })
await node.fullyBootstrapped()
const nodePort = node.io.serverSocket.address().port
const raw = await udpSocket()
const rawPort = raw.address().port
const nodeAddress = ipv4(HOST, nodePort)
const rawAddress = ipv4(HOST, rawPort)

// 1. What the socket hands up. A first byte that is neither a request nor a reply: dht-rpc ignores it.
const received = []
let onMarker = null
node.io.serverSocket.on('message', (buffer) => {
  if (buffer[0] === 0xee) {
    onMarker?.()
    return
  }
  if (buffer[0] === 0xff) received.push(buffer.byteLength)
})

async function socketProbe(size) {
  received.length = 0
  const marker = new Promise((resolve) => { onMarker = resolve })
  await sendTo(raw, Buffer.alloc(size, 0xff), nodePort)
  await sendTo(raw, Buffer.from([0xee]), nodePort)
  await marker
  return received.length === 0 ? null : received[0]
}

const socket = []
for (const size of [1472, 2047, 2048, 2049, 2100, 4096, 16 * 1024 + 200, LARGEST]) {
  socket.push({ sent: size, received: await socketProbe(size) })
}

// 2. Requests the node decodes and hands to its 'request' handler.
let requestsSeen = []
let onMarkerRequest = null
node.on('request', (req) => {
  if (req.command === MARKER_COMMAND) {
    req.reply(null)
    onMarkerRequest?.()
    return
  }
  requestsSeen.push(req.value ? req.value.length : 0)
  req.reply(null, { closerNodes: false })
})

let tid = 1
async function requestArrives(datagram) {
  requestsSeen = []
  const marker = new Promise((resolve) => { onMarkerRequest = resolve })
  await sendTo(raw, datagram, nodePort)
  await sendTo(raw, request({ tid: tid++, to: nodeAddress, command: MARKER_COMMAND }), nodePort)
  await marker
  return requestsSeen.length > 0
}

// A token for the raw socket's address, taken from the node's reply to a first request.
const token = await new Promise((resolve) => {
  raw.once('message', (buffer) => {
    const flags = buffer[1]
    const start = 1 + 1 + 2 + 6 + (flags & 1 ? 32 : 0)
    resolve(flags & 2 ? Buffer.from(buffer.subarray(start, start + 32)) : null)
  })
  raw.send(request({ tid: tid++, to: nodeAddress, command: PROBE_COMMAND, target: Buffer.alloc(32, 1) }), nodePort, HOST)
})
raw.on('message', () => {}) // replies to probes and markers are not needed

const target = Buffer.alloc(32, 7)
const someId = Buffer.alloc(32, 9)
const queryOverhead = request({ tid: 0, to: nodeAddress, command: PROBE_COMMAND, target, value: Buffer.alloc(300) }).length - 300
const queryValue = await largest(1, LARGEST, (n) =>
  requestArrives(request({ tid: tid++, to: nodeAddress, command: PROBE_COMMAND, target, value: Buffer.alloc(n, 1) })))
const commitValue = await largest(1, LARGEST, (n) =>
  requestArrives(request({ tid: tid++, to: nodeAddress, id: someId, token, command: PROBE_COMMAND, target, value: Buffer.alloc(n, 2) })))
const requestResult = {
  largestDatagram: queryOverhead + queryValue,
  largestQueryValue: queryValue,
  largestCommitValue: commitValue,
  tokenWasValid: token !== null
}

// 3. Replies a requesting node decodes: the raw socket answers the node's request twice, first with
// the probe and then with a one-byte marker; the request resolves with whichever it decoded first.
let answer = null
raw.removeAllListeners('message')
raw.on('message', (buffer, from) => {
  if (buffer[0] !== REQUEST_ID || answer === null) return
  const replyTid = buffer.readUInt16LE(2)
  const probe = answer(replyTid)
  raw.send(probe, from.port, HOST, () => {
    raw.send(reply({ tid: replyTid, to: nodeAddress, value: Buffer.from('m') }), from.port, HOST)
  })
})

async function replyArrives(build) {
  answer = build
  const res = await node.request({ command: PROBE_COMMAND, target }, { host: HOST, port: rawPort }, { retry: false })
  return res.value !== null && res.value.length > 1
}

const closer = Array.from({ length: 20 }, (_, i) => ipv4(HOST, 20000 + i))
const replyOverhead = reply({ tid: 0, to: nodeAddress, value: Buffer.alloc(300) }).length - 300
const plainReplyValue = await largest(2, LARGEST, (n) =>
  replyArrives((t) => reply({ tid: t, to: nodeAddress, value: Buffer.alloc(n, 3) })))
const fullReplyValue = await largest(2, LARGEST, (n) =>
  replyArrives((t) => reply({ tid: t, to: nodeAddress, id: someId, token: Buffer.alloc(32, 4), closer, value: Buffer.alloc(n, 3) })))
const replyResult = {
  largestDatagram: replyOverhead + plainReplyValue,
  largestValueWithIdTokenAnd20CloserNodes: fullReplyValue
}

const result = { dhtRpc: '6.27.0', socket, request: requestResult, reply: replyResult }
process.stdout.write(JSON.stringify(result) + '\n')
process.stderr.write(
  `socket: ${socket.map((s) => `${s.sent}→${s.received ?? 'lost'}`).join(', ')}\n` +
  `request: largest datagram ${requestResult.largestDatagram}, value ${queryValue} (query) / ${commitValue} (commit)\n` +
  `reply: largest datagram ${replyResult.largestDatagram}, value ${fullReplyValue} with id, token and 20 closer nodes\n`)

raw.close()
await node.destroy()
