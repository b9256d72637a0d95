// Long-running host for dht-rpc nodes, driven by newline-delimited JSON.
//
// stdin:  one JSON command per line, e.g. {"id":1,"op":"bootstrapper","port":49737}
// stdout: exactly one JSON line per command, carrying the command's "id".
// stderr: diagnostics only.
//
// See README.md for the full list of operations.

import DHT from 'dht-rpc'
import dgram from 'node:dgram'
import readline from 'node:readline'
import { createRequire } from 'node:module'
import { warehouseHandle } from './study-warehouse.mjs'

const HOST = '127.0.0.1'
const DEFAULT_BOOTSTRAP_TIMEOUT = 30_000
const DEFAULT_QUERY_TIMEOUT = 30_000
const DEFAULT_REQUEST_TIMEOUT = 15_000
const DESTROY_TIMEOUT = 5_000

const BEHAVIOURS = new Set(['echo', 'kv', 'warehouse', 'silent', 'unknown'])
const CMD_PUT = 0
const CMD_GET = 1

const dhtRpcVersion = readDhtRpcVersion()

/** index -> { dht, kind, behaviour, log: [], store: Map } */
const hosted = new Map()
let nextIndex = 0
let shuttingDown = false

function log(...args) {
  process.stderr.write('[peer] ' + args.map(String).join(' ') + '\n')
}

function send(obj) {
  let line
  try {
    line = JSON.stringify(obj)
  } catch (err) {
    line = JSON.stringify({ id: obj && obj.id !== undefined ? obj.id : null, ok: false, error: 'unserialisable reply: ' + err.message })
  }
  process.stdout.write(line + '\n')
}

function readDhtRpcVersion() {
  try {
    const require = createRequire(import.meta.url)
    return require('dht-rpc/package.json').version
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------
// value helpers

function hex(buf) {
  return buf ? Buffer.from(buf).toString('hex') : null
}

function parseHex(value, name, { nullable = true, length = -1 } = {}) {
  if (value === null || value === undefined) {
    if (nullable) return null
    throw new Error(`${name} is required`)
  }
  if (typeof value !== 'string' || value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) {
    throw new Error(`${name} must be a hex string`)
  }
  const buf = Buffer.from(value, 'hex')
  if (length >= 0 && buf.length !== length) {
    throw new Error(`${name} must be ${length} bytes (got ${buf.length})`)
  }
  return buf
}

function parseAddress(value, name) {
  if (value && typeof value === 'object') {
    const port = Number(value.port)
    if (typeof value.host !== 'string' || !validPort(port)) throw new Error(`${name} must be {host, port}`)
    return { host: value.host, port }
  }
  if (typeof value === 'number' && validPort(value)) return { host: HOST, port: value }
  if (typeof value !== 'string') throw new Error(`${name} must be "host:port"`)
  const i = value.lastIndexOf(':')
  if (i <= 0) throw new Error(`${name} must be "host:port"`)
  const host = value.slice(0, i)
  const port = Number(value.slice(i + 1))
  if (!validPort(port)) throw new Error(`${name} has an invalid port`)
  return { host, port }
}

function validPort(port) {
  return Number.isInteger(port) && port > 0 && port < 65536
}

function parseCommand(value, name = 'command') {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`)
  return n
}

function parseTimeout(value, fallback) {
  if (value === undefined || value === null) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error('timeoutMs must be a positive number')
  return n
}

function addr(node) {
  if (!node) return null
  return { host: node.host, port: node.port, id: node.id ? hex(node.id) : null }
}

function plainAddr(node) {
  if (!node) return null
  return { host: node.host, port: node.port }
}

function formatReply(m) {
  return {
    from: addr(m.from),
    to: plainAddr(m.to),
    value: hex(m.value),
    token: hex(m.token),
    error: m.error,
    closerNodes: (m.closerNodes || []).map(plainAddr),
    rtt: typeof m.rtt === 'number' ? m.rtt : null
  }
}

function describeError(err) {
  if (!err) return 'unknown error'
  return err.message || String(err)
}

function withTimeout(promise, ms, what) {
  let timer = null
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function getHosted(cmd) {
  const n = Number(cmd.node)
  const entry = Number.isInteger(n) ? hosted.get(n) : undefined
  if (!entry) throw new Error(`no such node: ${cmd.node}`)
  if (entry.dht.destroyed) throw new Error(`node ${n} is destroyed`)
  return entry
}

function serverPort(dht) {
  const sock = dht.io.serverSocket
  return sock ? sock.address().port : null
}

function clientPort(dht) {
  const sock = dht.io.clientSocket
  return sock ? sock.address().port : null
}

function describeNode(index, entry) {
  const { dht } = entry
  return {
    node: index,
    kind: entry.kind,
    behaviour: entry.behaviour,
    host: HOST,
    port: serverPort(dht),
    clientPort: clientPort(dht),
    nodeId: dht.id ? hex(dht.id) : null,
    tableId: hex(dht.table.id),
    firewalled: dht.firewalled,
    ephemeral: dht.ephemeral
  }
}

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4')
    sock.once('error', reject)
    sock.bind(0, HOST, () => {
      const { port } = sock.address()
      sock.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------------------
// request handling inside hosted nodes

function installBehaviour(entry) {
  const { dht } = entry
  dht.on('request', (req) => {
    try {
      onUserRequest(entry, req)
    } catch (err) {
      log('request handler failed:', describeError(err))
    }
  })
}

function onUserRequest(entry, req) {
  const record = {
    command: req.command,
    target: hex(req.target),
    value: hex(req.value),
    hasToken: !!req.token,
    token: hex(req.token),
    from: addr(req.from),
    at: Date.now()
  }
  entry.log.push(record)
  if (entry.log.length > 10_000) entry.log.shift()

  switch (entry.behaviour) {
    case 'silent':
      return
    case 'unknown':
      req.error(DHT.ERROR_UNKNOWN_COMMAND)
      return
    case 'kv':
      return kvHandle(entry, req)
    case 'warehouse':
      return warehouseHandle(entry, req)
    case 'echo':
    default:
      req.reply(req.value || null)
  }
}

function kvHandle(entry, req) {
  if (req.command === CMD_PUT) {
    if (req.token && req.value && req.target) {
      entry.store.set(hex(req.target), Buffer.from(req.value))
    }
    req.reply(null)
    return
  }
  if (req.command === CMD_GET) {
    const stored = req.target ? entry.store.get(hex(req.target)) : undefined
    req.reply(stored || null)
    return
  }
  req.reply(req.value || null)
}

function parseBehaviour(value) {
  if (value === undefined || value === null) return 'echo'
  if (!BEHAVIOURS.has(value)) throw new Error(`unknown behaviour: ${value} (expected one of ${[...BEHAVIOURS].join(', ')})`)
  return value
}

function register(dht, kind, behaviour) {
  const index = nextIndex++
  const entry = { dht, kind, behaviour, log: [], store: new Map(), warehouse: new Map() }
  hosted.set(index, entry)
  installBehaviour(entry)
  dht.on('error', (err) => log(`node ${index} error:`, describeError(err)))
  return { index, entry }
}

async function destroyEntry(index, entry) {
  hosted.delete(index)
  try {
    await withTimeout(entry.dht.destroy(), DESTROY_TIMEOUT, `destroy of node ${index}`)
  } catch (err) {
    log(describeError(err))
  }
}

async function destroyAll() {
  const all = [...hosted.entries()]
  await Promise.all(all.map(([index, entry]) => destroyEntry(index, entry)))
}

// ---------------------------------------------------------------------------
// operations

const ops = {
  async hello() {
    return { pid: process.pid, node: process.version, dhtRpc: dhtRpcVersion, nodes: hosted.size }
  },

  async bootstrapper(cmd) {
    let port = cmd.port === undefined || cmd.port === null || cmd.port === 0 ? await freeUdpPort() : Number(cmd.port)
    if (!validPort(port)) throw new Error('port must be a valid UDP port')
    const behaviour = parseBehaviour(cmd.behaviour)
    const timeoutMs = parseTimeout(cmd.timeoutMs, DEFAULT_BOOTSTRAP_TIMEOUT)
    const opts = { host: HOST }
    if (Array.isArray(cmd.bootstrap)) opts.bootstrap = cmd.bootstrap.map((b, i) => parseAddress(b, `bootstrap[${i}]`))

    const dht = DHT.bootstrapper(port, HOST, opts)
    const { index, entry } = register(dht, 'bootstrapper', behaviour)
    try {
      await withTimeout(dht.fullyBootstrapped(), timeoutMs, 'bootstrapper start')
    } catch (err) {
      await destroyEntry(index, entry)
      throw err
    }
    port = serverPort(dht)
    return {
      node: index,
      host: HOST,
      port,
      nodeId: dht.id ? hex(dht.id) : null,
      tableId: hex(dht.table.id),
      firewalled: dht.firewalled,
      ephemeral: dht.ephemeral
    }
  },

  async node(cmd) {
    const count = cmd.count === undefined || cmd.count === null ? 1 : Number(cmd.count)
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new Error('count must be an integer in 1..1000')
    const behaviour = parseBehaviour(cmd.behaviour)
    const timeoutMs = parseTimeout(cmd.timeoutMs, DEFAULT_BOOTSTRAP_TIMEOUT)

    let bootstrap
    if (cmd.bootstrap === undefined || cmd.bootstrap === null) {
      // default: every bootstrapper hosted by this process
      bootstrap = []
      for (const entry of hosted.values()) {
        if (entry.kind === 'bootstrapper') bootstrap.push({ host: HOST, port: serverPort(entry.dht) })
      }
    } else if (Array.isArray(cmd.bootstrap)) {
      bootstrap = cmd.bootstrap.map((b, i) => parseAddress(b, `bootstrap[${i}]`))
    } else {
      throw new Error('bootstrap must be an array of "host:port"')
    }

    const opts = { bootstrap, host: HOST }
    if (cmd.ephemeral === true || cmd.ephemeral === false) opts.ephemeral = cmd.ephemeral
    else if (cmd.ephemeral !== undefined && cmd.ephemeral !== null) throw new Error('ephemeral must be true, false or null')
    if (cmd.firewalled === true || cmd.firewalled === false) opts.firewalled = cmd.firewalled
    else if (cmd.firewalled !== undefined && cmd.firewalled !== null) throw new Error('firewalled must be a boolean')
    if (cmd.port !== undefined && cmd.port !== null) {
      if (count !== 1) throw new Error('port can only be given with count 1')
      const port = Number(cmd.port)
      if (!validPort(port)) throw new Error('port must be a valid UDP port')
      opts.port = port
      opts.anyPort = false
    }

    const created = []
    const start = async () => {
      const dht = new DHT({ ...opts })
      const reg = register(dht, 'node', behaviour)
      created.push(reg)
      await dht.fullyBootstrapped()
    }

    try {
      await withTimeout((async () => {
        if (cmd.parallel === true) {
          await Promise.all(Array.from({ length: count }, start))
        } else {
          for (let i = 0; i < count; i++) await start()
        }
      })(), timeoutMs, 'node bootstrap')
    } catch (err) {
      await Promise.all(created.map(({ index, entry }) => destroyEntry(index, entry)))
      throw err
    }

    return {
      nodes: created.map(({ index, entry }) => {
        const d = describeNode(index, entry)
        return {
          node: d.node,
          host: d.host,
          port: d.port,
          nodeId: d.nodeId,
          tableId: d.tableId,
          firewalled: d.firewalled,
          ephemeral: d.ephemeral
        }
      })
    }
  },

  async query(cmd) {
    const { dht } = getHosted(cmd)
    const target = parseHex(cmd.target, 'target', { nullable: false, length: 32 })
    const command = parseCommand(cmd.command)
    const value = parseHex(cmd.value, 'value')
    const timeoutMs = parseTimeout(cmd.timeoutMs, DEFAULT_QUERY_TIMEOUT)

    const commits = []
    const opts = {}
    if (cmd.commit === true) {
      // Same semantics as dht-rpc's built-in commit (the query's own target,
      // command and value, sent with the reply's token), but each outcome is recorded.
      opts.commit = async (reply, d, q) => {
        const record = { to: addr(reply.from), ok: false, errorCode: null, error: null, value: null }
        commits.push(record)
        if (!reply.token) {
          record.error = 'no token received'
          throw new Error('No token received for closest node')
        }
        try {
          const res = await d.request({ token: reply.token, target: q.target, command: q.command, value: q.value }, reply.from)
          record.ok = res.error === 0
          record.errorCode = res.error
          record.value = hex(res.value)
          return res
        } catch (err) {
          record.error = describeError(err)
          throw err
        }
      }
    }
    if (cmd.concurrency !== undefined && cmd.concurrency !== null) opts.concurrency = Number(cmd.concurrency)

    const q = dht.query({ target, command, value }, opts)
    const replies = []
    q.on('data', (m) => replies.push(formatReply(m)))

    let error = null
    try {
      await withTimeout(q.finished(), timeoutMs, 'query')
    } catch (err) {
      error = describeError(err)
      q.destroy()
    }

    return {
      ok: error === null,
      error,
      replies,
      closestReplies: q.closestReplies.map((m) => addr(m.from)),
      closestCount: q.closestReplies.length,
      committed: commits.filter((c) => c.ok).length,
      commits,
      successes: q.successes,
      errors: q.errors
    }
  },

  async findNode(cmd) {
    const { dht } = getHosted(cmd)
    const target = parseHex(cmd.target, 'target', { nullable: false, length: 32 })
    const timeoutMs = parseTimeout(cmd.timeoutMs, DEFAULT_QUERY_TIMEOUT)

    const q = dht.findNode(target)
    const replies = []
    q.on('data', (m) => replies.push(addr(m.from)))

    let error = null
    try {
      await withTimeout(q.finished(), timeoutMs, 'findNode')
    } catch (err) {
      error = describeError(err)
      q.destroy()
    }

    return {
      ok: error === null,
      error,
      replyCount: replies.length,
      replies,
      closestNodes: q.closestReplies.map((m) => addr(m.from)),
      successes: q.successes,
      errors: q.errors
    }
  },

  async request(cmd) {
    const { dht } = getHosted(cmd)
    const to = parseAddress(cmd.to, 'to')
    const command = parseCommand(cmd.command)
    const target = parseHex(cmd.target, 'target', { length: 32 })
    const value = parseHex(cmd.value, 'value')
    const token = parseHex(cmd.token, 'token', { length: 32 })
    const timeoutMs = parseTimeout(cmd.timeoutMs, DEFAULT_REQUEST_TIMEOUT)
    const opts = cmd.retry === false ? { retry: false } : undefined

    let promise
    if (cmd.internal === true) {
      // dht-rpc has no public API for arbitrary internal requests; build one on its io layer.
      const req = dht.io.createRequest({ id: null, host: to.host, port: to.port }, token, true, command, target, value, null)
      promise = dht._requestToPromise(req, opts)
    } else {
      promise = dht.request({ token, command, target, value }, to, opts)
    }

    try {
      const res = await withTimeout(promise, timeoutMs, 'request')
      return formatReply(res)
    } catch (err) {
      return { ok: false, error: describeError(err), code: err && err.code !== undefined ? err.code : null }
    }
  },

  async ping(cmd) {
    const { dht } = getHosted(cmd)
    const to = parseAddress(cmd.to, 'to')
    const timeoutMs = parseTimeout(cmd.timeoutMs, DEFAULT_REQUEST_TIMEOUT)
    const started = Date.now()
    try {
      const res = await withTimeout(dht.ping(to), timeoutMs, 'ping')
      const rtt = typeof res.rtt === 'number' ? res.rtt : Date.now() - started
      return {
        rtt: Math.max(0, rtt),
        fromId: res.from && res.from.id ? hex(res.from.id) : null,
        from: addr(res.from),
        to: plainAddr(res.to),
        error: res.error
      }
    } catch (err) {
      return { ok: false, error: describeError(err), code: err && err.code !== undefined ? err.code : null }
    }
  },

  async log(cmd) {
    const entry = getHosted(cmd)
    const entries = entry.log
    entry.log = []
    return { entries }
  },

  async store(cmd) {
    const entry = getHosted(cmd)
    if (cmd.set !== undefined && cmd.set !== null) {
      const target = parseHex(cmd.set.target, 'set.target', { nullable: false, length: 32 })
      const value = parseHex(cmd.set.value, 'set.value', { nullable: false })
      entry.store.set(hex(target), value)
    }
    const entries = []
    for (const [target, value] of entry.store) entries.push({ target, value: hex(value) })
    return { entries }
  },

  async table(cmd) {
    const entry = getHosted(cmd)
    const { dht } = entry
    return {
      node: Number(cmd.node),
      tableId: hex(dht.table.id),
      nodeId: dht.id ? hex(dht.id) : null,
      host: dht.host,
      port: dht.port,
      serverPort: serverPort(dht),
      clientPort: clientPort(dht),
      firewalled: dht.firewalled,
      ephemeral: dht.ephemeral,
      bootstrapped: dht.bootstrapped,
      nodes: dht.toArray(),
      tableNodes: dht.table.toArray().map(addr)
    }
  },

  async nodes() {
    return { nodes: [...hosted.entries()].map(([index, entry]) => describeNode(index, entry)) }
  },

  async destroy(cmd) {
    const n = Number(cmd.node)
    const entry = Number.isInteger(n) ? hosted.get(n) : undefined
    if (!entry) throw new Error(`no such node: ${cmd.node}`)
    await destroyEntry(n, entry)
    return { node: n }
  }
}

// ---------------------------------------------------------------------------
// command loop

async function handleLine(line) {
  const text = line.trim()
  if (text === '') return

  let cmd
  try {
    cmd = JSON.parse(text)
  } catch (err) {
    send({ id: null, ok: false, error: 'invalid JSON: ' + err.message })
    return
  }
  if (cmd === null || typeof cmd !== 'object' || Array.isArray(cmd)) {
    send({ id: null, ok: false, error: 'command must be a JSON object' })
    return
  }

  const id = cmd.id === undefined ? null : cmd.id

  if (cmd.op === 'exit') {
    await shutdown(id)
    return
  }

  if (shuttingDown) {
    send({ id, ok: false, error: 'shutting down' })
    return
  }

  const fn = typeof cmd.op === 'string' && Object.prototype.hasOwnProperty.call(ops, cmd.op) ? ops[cmd.op] : null
  if (fn === null) {
    send({ id, ok: false, error: `unknown op: ${cmd.op}` })
    return
  }

  try {
    const result = await fn(cmd)
    // keep the command's id first and authoritative
    send({ id, ok: true, ...result, id })
  } catch (err) {
    send({ id, ok: false, error: describeError(err) })
  }
}

async function shutdown(id) {
  if (shuttingDown) {
    if (id !== null) send({ id, ok: true, exiting: true })
    return
  }
  shuttingDown = true
  try {
    await withTimeout(destroyAll(), DESTROY_TIMEOUT * 2, 'shutdown')
  } catch (err) {
    log(describeError(err))
  }
  if (id !== null) send({ id, ok: true, exiting: true })
  // let stdout drain before leaving
  process.stdout.write('', () => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}

process.on('uncaughtException', (err) => log('uncaught exception:', err && err.stack ? err.stack : err))
process.on('unhandledRejection', (err) => log('unhandled rejection:', err && err.stack ? err.stack : err))
process.stdout.on('error', (err) => {
  // the reader went away; nothing more can be reported
  if (err && err.code === 'EPIPE') shutdown(null)
})
process.on('SIGTERM', () => shutdown(null))
process.on('SIGINT', () => shutdown(null))

const inflight = new Set()
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })
rl.on('line', (line) => {
  const p = handleLine(line).catch((err) => log('command failed:', describeError(err)))
  inflight.add(p)
  p.finally(() => inflight.delete(p))
})
rl.on('close', async () => {
  // stdin closed: let commands already received finish (bounded), then leave
  try {
    await withTimeout(Promise.allSettled([...inflight]), DEFAULT_QUERY_TIMEOUT * 2, 'pending commands')
  } catch (err) {
    log(describeError(err))
  }
  await shutdown(null)
})

log(`ready (pid ${process.pid}, dht-rpc ${dhtRpcVersion})`)
