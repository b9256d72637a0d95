// The behaviour `warehouse` of peer.mjs: a warehouse that answers as the study's warehouse node does.
//
//   100 STORE   with a token: keep the value under the target (with when, by whom, its size and a
//               read count); reply with no value. Without a token: answered like any other command.
//   101 GET     the value (its read count goes up), or no value.
//   102 LIST    the whole inventory as one JSON array, whatever the request's value (a page offset
//               is ignored): [{key, preview, size, stored, accessCount}, ...].
//   103 DELETE  with a token: "deleted" or "not-found". Without a token: like any other command.
//   any other   (KEY_STATS 106, INFO 107, ...) the raw value held under the target, or no value.

const STORE = 100
const GET = 101
const LIST = 102
const DELETE = 103

function hexOf(buf) {
  return Buffer.from(buf).toString('hex')
}

function inventoryOf(items) {
  const rows = []
  for (const [key, item] of items) {
    rows.push({
      key: key.slice(0, 16) + '...',
      preview: item.value.toString().slice(0, 30) + '...',
      size: item.value.length,
      stored: new Date(item.storedAt).toLocaleString(),
      accessCount: item.reads
    })
  }
  return Buffer.from(JSON.stringify(rows))
}

/** Answers one user request for a hosted node whose `warehouse` map holds its items. */
export function warehouseHandle(entry, req) {
  const items = entry.warehouse
  const key = req.target ? hexOf(req.target) : null

  if (req.command === STORE && req.token && key !== null && req.value) {
    items.set(key, { value: Buffer.from(req.value), storedAt: Date.now(), storedBy: `${req.from.host}:${req.from.port}`, reads: 0 })
    req.reply(null)
    return
  }

  if (req.command === GET) {
    const item = key === null ? undefined : items.get(key)
    if (item) item.reads++
    req.reply(item ? item.value : null)
    return
  }

  if (req.command === LIST) {
    req.reply(inventoryOf(items))
    return
  }

  if (req.command === DELETE && req.token && key !== null) {
    const had = items.delete(key)
    req.reply(Buffer.from(had ? 'deleted' : 'not-found'))
    return
  }

  const item = key === null ? undefined : items.get(key)
  req.reply(item ? item.value : null)
}
