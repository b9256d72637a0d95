// Shared by the side-by-side scripts: dht-rpc from interop/node_modules, argument parsing, RSS.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(here, '..', '..', 'interop', 'package.json'))
export const DHT = require('dht-rpc')
export const dhtRpcVersion = require('dht-rpc/package.json').version

export function args () {
  const out = {}
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1]
  return out
}

export function num (value, fallback) {
  const n = Number(value)
  return value === undefined || !Number.isFinite(n) ? fallback : n
}

export function rssBytes () {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss
}

export function collect () {
  if (global.gc) { global.gc(); global.gc() }
}

export function withTimeout (promise, ms, what) {
  let timer = null
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export function percentile (sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
}

export async function destroyAll (nodes) {
  await Promise.allSettled(nodes.map((n) => withTimeout(n.destroy(), 5000, 'destroy')))
}

export async function bootstrapper (port) {
  if (!port) {
    const dgram = await import('node:dgram')
    port = await new Promise((resolve, reject) => {
      const sock = dgram.createSocket('udp4')
      sock.once('error', reject)
      sock.bind(0, '127.0.0.1', () => {
        const p = sock.address().port
        sock.close(() => resolve(p))
      })
    })
  }
  const node = DHT.bootstrapper(port, '127.0.0.1')
  await node.fullyBootstrapped()
  return node
}
