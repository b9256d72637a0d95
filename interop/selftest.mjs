// End-to-end check of the harness, JS to JS, on 127.0.0.1 only.
// Spawns peer.mjs, builds a small network, exercises every op, then runs the
// content-store scripts against it. Every wait is bounded. Exit code 0 = pass.

import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const OVERALL_TIMEOUT = 180_000
const COMMAND_TIMEOUT = 60_000
const SCRIPT_TIMEOUT = 60_000
const NODE_COUNT = 10

const started = Date.now()
let failures = 0
let passes = 0

function note(msg) {
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`)
}

function check(cond, msg, detail) {
  if (cond) {
    passes++
    note(`ok   ${msg}`)
  } else {
    failures++
    note(`FAIL ${msg}${detail !== undefined ? ' :: ' + JSON.stringify(detail) : ''}`)
  }
  return cond
}

function sha256hex(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex')
}

class PeerProcess {
  constructor() {
    this.child = spawn(process.execPath, [path.join(here, 'peer.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.pending = new Map()
    this.nextId = 1
    this.stderr = []
    this.badLines = []
    this.exit = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })))

    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      let msg
      try {
        msg = JSON.parse(line)
      } catch {
        this.badLines.push(line)
        return
      }
      const waiter = this.pending.get(msg.id)
      if (waiter) {
        this.pending.delete(msg.id)
        waiter(msg)
      } else {
        this.badLines.push(line)
      }
    })
    readline.createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderr.push(line)
      if (this.stderr.length > 200) this.stderr.shift()
    })
  }

  call(op, fields = {}, timeout = COMMAND_TIMEOUT) {
    const id = this.nextId++
    return this.sendRaw({ id, op, ...fields }, id, timeout)
  }

  sendRaw(obj, id, timeout = COMMAND_TIMEOUT) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`no reply to ${JSON.stringify(obj).slice(0, 120)} within ${timeout} ms`))
      }, timeout)
      this.pending.set(id, (msg) => {
        clearTimeout(timer)
        resolve(msg)
      })
      this.child.stdin.write((typeof obj === 'string' ? obj : JSON.stringify(obj)) + '\n')
    })
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
  }
}

function runScript(name, args, timeout = SCRIPT_TIMEOUT) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

async function main() {
  const peer = new PeerProcess()
  try {
    await run(peer)
  } finally {
    peer.kill()
  }
}

async function run(peer) {
  // --- basics and robustness
  const hello = await peer.call('hello')
  check(hello.ok && hello.dhtRpc === '6.27.0', 'hello reports dht-rpc 6.27.0', hello)

  const bad = await peer.sendRaw('this is not json', null)
  check(bad.ok === false && bad.id === null, 'invalid JSON gets an error reply with id null', bad)
  const unknown = await peer.call('frobnicate')
  check(unknown.ok === false && /unknown op/.test(unknown.error), 'unknown op gets an error reply', unknown)
  const noNode = await peer.call('table', { node: 12345 })
  check(noNode.ok === false, 'missing node gets an error reply', noNode)

  // --- network
  const boot = await peer.call('bootstrapper', { port: 0 })
  check(boot.ok && boot.port > 0 && typeof boot.nodeId === 'string', 'bootstrapper started', boot)
  const bootAddr = `127.0.0.1:${boot.port}`

  const created = await peer.call('node', { bootstrap: [bootAddr], ephemeral: false, behaviour: 'kv', count: NODE_COUNT })
  check(created.ok && created.nodes.length === NODE_COUNT, `${NODE_COUNT} kv nodes created`, created.error)
  if (!created.ok) return
  const nodes = created.nodes
  check(nodes.every((n) => n.ephemeral === false && n.firewalled === false && /^[0-9a-f]{64}$/.test(n.nodeId)),
    'all kv nodes became persistent with ids', nodes)

  const echo = await peer.call('node', { bootstrap: [bootAddr], ephemeral: false, behaviour: 'echo' })
  check(echo.ok && echo.nodes.length === 1, 'echo node created', echo.error)
  const client = await peer.call('node', { bootstrap: [bootAddr], ephemeral: true })
  check(client.ok && client.nodes[0].nodeId === null && client.nodes[0].ephemeral === true, 'ephemeral client node created', client)
  if (!echo.ok || !client.ok) return
  const echoNode = echo.nodes[0]
  const clientNode = client.nodes[0].node

  // --- ping / request
  const ping = await peer.call('ping', { node: nodes[0].node, to: `127.0.0.1:${nodes[1].port}` })
  check(ping.ok && ping.rtt >= 0 && ping.fromId === nodes[1].nodeId, 'ping returns rtt and the peer id', ping)

  const reqEcho = await peer.call('request', { node: clientNode, to: `127.0.0.1:${echoNode.port}`, command: 7, value: 'cafebabe' })
  check(reqEcho.ok && reqEcho.value === 'cafebabe' && reqEcho.error === 0 && reqEcho.from.id === echoNode.nodeId,
    'request to echo node echoes the value', reqEcho)

  const probeTarget = sha256hex('probe')
  const reqClose = await peer.call('request', { node: clientNode, to: `127.0.0.1:${echoNode.port}`, command: 1, target: probeTarget })
  check(reqClose.ok && reqClose.value === null && /^[0-9a-f]{64}$/.test(reqClose.token) && reqClose.closerNodes.length > 0,
    'request with target returns token and closer nodes', reqClose)

  const internalFind = await peer.call('request', { node: clientNode, to: `127.0.0.1:${echoNode.port}`, command: 2, target: probeTarget, internal: true })
  check(internalFind.ok && internalFind.error === 0 && internalFind.closerNodes.length > 0, 'internal FIND_NODE request answered', internalFind)

  const badToken = await peer.call('request', { node: clientNode, to: `127.0.0.1:${nodes[2].port}`, command: 0, target: probeTarget, value: '00', token: '11'.repeat(32) })
  check(badToken.ok && badToken.error === 2, 'request with a wrong token gets INVALID_TOKEN (2)', badToken)

  const echoLog = await peer.call('log', { node: echoNode.node })
  check(echoLog.ok && echoLog.entries.some((e) => e.command === 7 && e.value === 'cafebabe' && e.hasToken === false),
    'echo node logged the user request', echoLog)
  const echoLog2 = await peer.call('log', { node: echoNode.node })
  check(echoLog2.ok && echoLog2.entries.length === 0, 'log is cleared after reading', echoLog2)

  // --- findNode / table
  const fn = await peer.call('findNode', { node: clientNode, target: nodes[5].nodeId })
  check(fn.ok && fn.replyCount > 0 && fn.closestNodes.length > 0 && fn.closestNodes[0].id === nodes[5].nodeId,
    'findNode reaches the target node first in closestNodes', { ok: fn.ok, replyCount: fn.replyCount, first: fn.closestNodes && fn.closestNodes[0], error: fn.error })

  const table = await peer.call('table', { node: nodes[3].node })
  check(table.ok && table.nodes.length > 0 && table.nodeId === nodes[3].nodeId && table.firewalled === false && table.serverPort === nodes[3].port,
    'table lists routing entries and own address', { ok: table.ok, nodes: table.nodes && table.nodes.length, port: table.port, serverPort: table.serverPort })

  // clear logs from bootstrapping/probing before the storage round
  for (const n of nodes) await peer.call('log', { node: n.node })

  // --- content store round trip through the query ops
  const value = Buffer.from(JSON.stringify({ hello: 'world', n: 42 }))
  const valueHex = value.toString('hex')
  const target = sha256hex(value)

  const put = await peer.call('query', { node: clientNode, target, command: 0, value: valueHex, commit: true })
  check(put.ok && put.committed > 0 && put.closestCount > 0, 'commit query for PUT committed to closest nodes',
    { ok: put.ok, error: put.error, committed: put.committed, closest: put.closestCount, replies: put.replies && put.replies.length })

  let holders = 0
  let tokenPuts = 0
  for (const n of nodes) {
    const st = await peer.call('store', { node: n.node })
    if (st.ok && st.entries.some((e) => e.target === target && e.value === valueHex)) holders++
    const lg = await peer.call('log', { node: n.node })
    if (lg.ok) tokenPuts += lg.entries.filter((e) => e.command === 0 && e.hasToken && e.target === target).length
  }
  // the bootstrapper and the echo node may be among the closest too; only kv nodes keep values
  const kvPorts = new Set(nodes.map((n) => n.port))
  const kvCommits = put.ok ? put.commits.filter((c) => c.ok && kvPorts.has(c.to.port)).length : -1
  check(holders > 0 && holders === kvCommits, `value stored on ${holders} kv node(s), matching commits to kv nodes`, { holders, kvCommits, committed: put.committed })
  check(tokenPuts === kvCommits, 'each commit arrived as a PUT with token', { tokenPuts, kvCommits })

  const get = await peer.call('query', { node: nodes[9].node, target, command: 1, commit: false })
  const hits = get.ok ? get.replies.filter((r) => r.value === valueHex) : []
  check(get.ok && hits.length > 0, `GET query returns the stored value (${hits.length} replies carried it)`, { ok: get.ok, error: get.error })

  const missing = await peer.call('query', { node: clientNode, target: sha256hex('nothing here'), command: 1 })
  check(missing.ok && missing.replies.every((r) => r.value === null), 'GET for an unknown key returns no values', { ok: missing.ok })

  // --- content-store scripts against the same network
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dht-interop-'))
  try {
    const file = path.join(dir, 'sample.json')
    const text = '{\n  "name" : "sample",\n  "items": [1, 2, 3],\n  "nested": {"ok": true, "unicode": "h\\u00e9llo"}\n}\n'
    fs.writeFileSync(file, text)
    const normalised = JSON.stringify(JSON.parse(text))
    const expectedHash = sha256hex(Buffer.from(normalised, 'utf8'))

    const ins = await runScript('study-insert-json.mjs', [file, '--bootstrap', bootAddr])
    const insLines = ins.stdout.trim().split('\n')
    check(ins.code === 0 && insLines[insLines.length - 1] === expectedHash, 'study-insert-json prints the sha256 of the normalised JSON',
      { code: ins.code, stdout: ins.stdout, stderr: ins.stderr.slice(-500) })

    const ret = await runScript('study-retrieve-json.mjs', [expectedHash, '--bootstrap', bootAddr])
    check(ret.code === 0 && ret.stdout === JSON.stringify(JSON.parse(text), null, 2) + '\n', 'study-retrieve-json prints the JSON back',
      { code: ret.code, stdout: ret.stdout, stderr: ret.stderr.slice(-500) })

    const outFile = path.join(dir, 'out.json')
    const retFile = await runScript('study-retrieve-json.mjs', [expectedHash, outFile, '--bootstrap', bootAddr])
    check(retFile.code === 0 && fs.existsSync(outFile) && fs.readFileSync(outFile, 'utf8') === JSON.stringify(JSON.parse(text), null, 2) + '\n',
      'study-retrieve-json writes OUTFILE when given', { code: retFile.code, stderr: retFile.stderr.slice(-500) })

    const miss = await runScript('study-retrieve-json.mjs', [sha256hex('absent'), '--bootstrap', bootAddr])
    check(miss.code === 1 && miss.stdout === '', 'study-retrieve-json exits 1 when the hash is not stored', { code: miss.code, stderr: miss.stderr.slice(-300) })

    // a node returning a value that does not match the hash must not be accepted
    const liar = await peer.call('node', { bootstrap: [bootAddr], ephemeral: false, behaviour: 'kv' })
    const fakeTarget = sha256hex('claimed content')
    if (liar.ok) {
      for (const n of [...nodes, liar.nodes[0]]) {
        await peer.call('store', { node: n.node, set: { target: fakeTarget, value: Buffer.from('"not it"').toString('hex') } })
      }
    }
    const mism = await runScript('study-retrieve-json.mjs', [fakeTarget, '--bootstrap', bootAddr])
    check(liar.ok && mism.code === 1 && mism.stdout === '', 'study-retrieve-json exits 1 on hash mismatch', { code: mism.code, stderr: mism.stderr.slice(-300) })

    const badJson = path.join(dir, 'bad.json')
    fs.writeFileSync(badJson, '{ not json')
    const insBad = await runScript('study-insert-json.mjs', [badJson, '--bootstrap', bootAddr])
    check(insBad.code === 1 && insBad.stdout === '', 'study-insert-json exits 1 on invalid JSON', { code: insBad.code })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }

  // --- teardown
  const destroyed = await peer.call('destroy', { node: nodes[0].node })
  check(destroyed.ok, 'destroy a node', destroyed)
  const afterDestroy = await peer.call('table', { node: nodes[0].node })
  check(afterDestroy.ok === false, 'destroyed node is gone', afterDestroy)

  check(peer.badLines.length === 0, 'stdout carried only JSON replies to our commands', peer.badLines)

  const bye = await peer.call('exit', {}, 30_000)
  check(bye.ok, 'exit acknowledged', bye)
  const exited = await Promise.race([peer.exit, new Promise((resolve) => setTimeout(() => resolve(null), 15_000))])
  check(exited !== null && exited.code === 0, 'peer process exited with code 0', exited)
}

const guard = setTimeout(() => {
  note(`FAIL selftest did not finish within ${OVERALL_TIMEOUT} ms`)
  process.exit(1)
}, OVERALL_TIMEOUT)

try {
  await main()
} catch (err) {
  failures++
  note(`FAIL ${err && err.stack ? err.stack : err}`)
}
clearTimeout(guard)
note(`${passes} passed, ${failures} failed`)
process.exit(failures === 0 ? 0 : 1)
