// Shared helpers for the content-store scripts (study-insert-json.mjs, study-retrieve-json.mjs).

import DHT from 'dht-rpc'
import crypto from 'node:crypto'

export const INSERT = 0
export const GET = 1
export const DEFAULT_BOOTSTRAP = '127.0.0.1:10001'
export const DEFAULT_TIMEOUT = 30_000

export function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest()
}

export function log(...args) {
  process.stderr.write(args.map(String).join(' ') + '\n')
}

// Parses argv into positional arguments plus --bootstrap (repeatable) and --timeout.
export function parseArgs(argv) {
  const positional = []
  const bootstrap = []
  let timeout = DEFAULT_TIMEOUT
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--bootstrap' || a === '-b') {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a host:port value`)
      bootstrap.push(...argv[++i].split(',').filter(Boolean))
    } else if (a.startsWith('--bootstrap=')) {
      bootstrap.push(...a.slice('--bootstrap='.length).split(',').filter(Boolean))
    } else if (a === '--timeout') {
      if (i + 1 >= argv.length) throw new Error('--timeout needs a value in ms')
      timeout = Number(argv[++i])
    } else if (a.startsWith('--timeout=')) {
      timeout = Number(a.slice('--timeout='.length))
    } else if (a.startsWith('--')) {
      throw new Error(`unknown option ${a}`)
    } else {
      positional.push(a)
    }
  }
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error('--timeout must be a positive number of ms')
  for (const b of bootstrap) {
    const i = b.lastIndexOf(':')
    const port = Number(b.slice(i + 1))
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad bootstrap address ${b}`)
  }
  return { positional, bootstrap, timeout }
}

function isLoopback(hostPort) {
  const host = hostPort.slice(0, hostPort.lastIndexOf(':'))
  return host === 'localhost' || host.startsWith('127.')
}

// A short-lived client node: ephemeral, it only asks questions.
export function createClient(bootstrap) {
  const opts = { ephemeral: true, bootstrap }
  // keep local test networks on the loopback interface
  if (bootstrap.length > 0 && bootstrap.every(isLoopback)) opts.host = '127.0.0.1'
  return new DHT(opts)
}

export function withTimeout(promise, ms, what) {
  let timer = null
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// Destroys the node (bounded) and exits with the given code once stdout is flushed.
export async function finish(node, code) {
  if (node) {
    try {
      await withTimeout(node.destroy(), 5000, 'destroy')
    } catch (err) {
      log('warning:', err.message)
    }
  }
  process.stdout.write('', () => process.exit(code))
  setTimeout(() => process.exit(code), 2000).unref()
}
