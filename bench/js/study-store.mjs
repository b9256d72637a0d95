// The study's content store on dht-rpc: nodes keep command 0 (INSERT, with a token) and answer
// command 1 (GET); a client inserts with a query and a commit, and retrieves the first reply that
// hashes to the key. Shared by storage.mjs and the churn scripts.
import crypto from 'node:crypto'

export const sha256 = (b) => crypto.createHash('sha256').update(b).digest()

export function kv (dht) {
  const store = new Map()
  dht.on('request', (req) => {
    if (req.command === 0) {
      if (req.token && req.value && req.target) store.set(req.target.toString('hex'), req.value)
      req.reply(null)
    } else if (req.command === 1) {
      req.reply(req.target ? store.get(req.target.toString('hex')) || null : null)
    } else {
      req.reply(req.value)
    }
  })
}

export function documentOf (i, size) {
  const head = JSON.stringify({ i, pad: '' })
  return Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(Math.max(0, size - head.length)) }), 'utf8')
}

export async function put (client, value) {
  const target = sha256(value)
  let accepted = 0
  const commit = async (reply, dht) => {
    const res = await dht.request({ token: reply.token, target, command: 0, value }, reply.from)
    if (res.error === 0) accepted++
    return res
  }
  const q = client.query({ target, command: 0, value }, { commit })
  await q.finished()
  return { target, accepted }
}

export async function get (client, target) {
  const q = client.query({ target, command: 1 })
  for await (const reply of q) {
    if (reply.value && sha256(reply.value).equals(target)) {
      q.destroy()
      return reply.value
    }
  }
  return null
}
