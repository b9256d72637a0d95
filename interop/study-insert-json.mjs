// Usage: node study-insert-json.mjs FILE [--bootstrap host:port]... [--timeout ms]
//
// Reads a JSON file, normalises it exactly like JSON.stringify(JSON.parse(text)),
// and stores the UTF-8 bytes in the DHT content store:
//   - query (user command 0, INSERT) for target = sha256(bytes) carrying the bytes,
//   - commit: send INSERT with the reply's token, target and bytes to each closest node.
// The hex hash is printed as the last line of stdout. Exit code 0 on success,
// 1 if the file is not valid JSON or no node accepted the value, 2 on usage errors.

import fs from 'node:fs'
import { INSERT, DEFAULT_BOOTSTRAP, sha256, log, parseArgs, createClient, withTimeout, finish } from './study-common.mjs'

let args
try {
  args = parseArgs(process.argv.slice(2))
  if (args.positional.length !== 1) throw new Error('expected exactly one FILE argument')
} catch (err) {
  log('error:', err.message)
  log('usage: node study-insert-json.mjs FILE [--bootstrap host:port] [--timeout ms]')
  process.exit(2)
}

const file = args.positional[0]
let value
try {
  const text = fs.readFileSync(file, 'utf8')
  value = Buffer.from(JSON.stringify(JSON.parse(text)), 'utf8')
} catch (err) {
  log(`error: cannot read JSON from ${file}: ${err.message}`)
  process.exit(1)
}

const target = sha256(value)
const hash = target.toString('hex')
const bootstrap = args.bootstrap.length > 0 ? args.bootstrap : [DEFAULT_BOOTSTRAP]

const node = createClient(bootstrap)
node.on('error', (err) => log('dht error:', err.message))

let accepted = 0
let rejected = 0

async function commit(reply, dht) {
  const res = await dht.request({ token: reply.token, target, command: INSERT, value }, reply.from)
  if (res.error === 0) accepted++
  else rejected++
  return res
}

let code = 0
try {
  log(`inserting ${value.length} bytes from ${file} as ${hash} via ${bootstrap.join(', ')}`)
  const q = node.query({ target, command: INSERT, value }, { commit })
  await withTimeout(q.finished(), args.timeout, 'insert query')
  log(`closest nodes: ${q.closestReplies.length}, commits accepted: ${accepted}, rejected: ${rejected}`)
  if (accepted === 0) {
    log('error: no node accepted the value')
    code = 1
  } else {
    process.stdout.write(hash + '\n')
  }
} catch (err) {
  log('error:', err.message)
  code = 1
}

await finish(node, code)
