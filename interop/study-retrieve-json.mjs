// Usage: node study-retrieve-json.mjs HASH [OUTFILE] [--bootstrap host:port]... [--timeout ms]
//
// Looks the hash up in the DHT content store: a query with user command 1 (GET)
// for target = HASH; the first reply whose value hashes (sha256) to HASH wins.
// The JSON is pretty-printed (2 spaces) to stdout, or written to OUTFILE if given.
// Exit code 0 when found, 1 when not found / no verified value / invalid JSON, 2 on usage errors.

import fs from 'node:fs'
import { GET, DEFAULT_BOOTSTRAP, sha256, log, parseArgs, createClient, withTimeout, finish } from './study-common.mjs'

let args
let hash
try {
  args = parseArgs(process.argv.slice(2))
  if (args.positional.length < 1 || args.positional.length > 2) throw new Error('expected HASH [OUTFILE]')
  hash = args.positional[0].toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error('HASH must be 64 hex characters')
} catch (err) {
  log('error:', err.message)
  log('usage: node study-retrieve-json.mjs HASH [OUTFILE] [--bootstrap host:port] [--timeout ms]')
  process.exit(2)
}

const outFile = args.positional[1] || null
const target = Buffer.from(hash, 'hex')
const bootstrap = args.bootstrap.length > 0 ? args.bootstrap : [DEFAULT_BOOTSTRAP]

const node = createClient(bootstrap)
node.on('error', (err) => log('dht error:', err.message))

async function lookup() {
  try {
    await withTimeout(node.fullyBootstrapped(), args.timeout, 'bootstrap')
  } catch (err) {
    log('warning:', err.message)
  }

  const q = node.query({ target, command: GET })
  let mismatches = 0
  let found = null
  try {
    for await (const reply of q) {
      if (!reply.value) continue
      if (sha256(reply.value).toString('hex') === hash) {
        found = { value: reply.value, from: reply.from }
        break // leaving the loop destroys the query stream
      }
      mismatches++
    }
  } finally {
    q.destroy()
  }
  return { found, mismatches }
}

let code = 0
try {
  log(`retrieving ${hash} via ${bootstrap.join(', ')}`)
  const { found, mismatches } = await withTimeout(lookup(), args.timeout, 'retrieve query')
  if (mismatches > 0) log(`ignored ${mismatches} value(s) that did not match the hash`)
  if (found === null) {
    log(`error: ${hash} not found`)
    code = 1
  } else {
    log(`found ${found.value.length} bytes at ${found.from.host}:${found.from.port}`)
    const pretty = JSON.stringify(JSON.parse(found.value.toString('utf8')), null, 2)
    if (outFile) {
      fs.writeFileSync(outFile, pretty + '\n')
      log(`saved to ${outFile}`)
    } else {
      process.stdout.write(pretty + '\n')
    }
  }
} catch (err) {
  log('error:', err.message)
  code = 1
}

await finish(node, code)
