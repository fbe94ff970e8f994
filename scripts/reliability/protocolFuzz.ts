// `npx tsx scripts/reliability/protocolFuzz.ts`: FUZZ_FRAMES (default 1,000,000) hostile
// frames — mostly well-framed (junk updates anywhere in the document, presence that is not
// JSON, bad commands, random state vectors), 10 % broken — from 24 sockets (viewers on board A, participants and token-holders
// without identity on boards B and C) against Fabrique's production build, seeded
// (FUZZ_SEED, default 1). Checks the server stays up, answers others, stays bounded in
// memory and logs, and that the boards are intact. Figures go to RELIABILITY.md.
import fs from 'node:fs'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { memory } from '../../bench/procStats'
import { recordProblem } from '../../shared/authority/records'
import { getRecordsMap } from '../../shared/boardDoc'
import { connect, waitSynced } from '../../test/support/providers'
import { mulberry32 } from '../../test/support/random'
import { note } from '../../test/support/records'
import { rssMiB, sleep, startFabrique } from './fabriqueProcess'

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 1_000_000)
const SEED = Number(process.env.FUZZ_SEED ?? 1)
const SOCKETS = 24
const out = (m: string) => process.stdout.write(m + '\n')
const rand = mulberry32(SEED)
const int = (n: number) => Math.floor(rand() * n)
const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256))

function varUint(n: number): number[] {
  const b: number[] = []
  while (n > 0x7f) {
    b.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  b.push(n)
  return b
}

const { server, dataDir } = await startFabrique()
const base = server.baseUrl
const post = async (p: string, body: unknown, token?: string) =>
  (await (await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) })).json()) as any
const lab = await post('/api/labs', { title: 'Fuzz' })
const boards = [] as { id: string }[]
for (const name of ['A', 'B', 'C']) boards.push(await post(`/api/labs/${lab.id}/boards`, { title: name, template: 'iceberg' }, lab.tokens.facilitator))
const wsUrl = `ws://127.0.0.1:${server.port}/sync`

// Honest content on board A, written by a stock client.
const honest = connect(wsUrl, boards[0]!.id, lab.tokens.participant)
await waitSynced(honest.provider)
Y.transact(honest.doc, () => {
  for (let i = 0; i < 50; i++) getRecordsMap(honest.doc).set(`shape:honest-${i}`, note(`honest-${i}`, `note honnête ${i}`))
})
await sleep(500)
const before = getRecordsMap(honest.doc).toJSON()
honest.provider.destroy()

// A real update to mutate: a note from another client.
const sample = new Y.Doc()
getRecordsMap(sample).set('shape:sample', note('sample', 'échantillon'))
const realUpdate = Y.encodeStateAsUpdate(sample)

/** Random JSON-ish values: what a hostile client puts in records, meta, session or maps of its own. */
function junk(depth = 0): unknown {
  switch (int(depth > 2 ? 4 : 7)) {
    case 0:
      return int(1000)
    case 1:
      return String.fromCharCode(...bytes(int(12)))
    case 2:
      return null
    case 3:
      return rand() < 0.5
    case 4:
      return Array.from({ length: int(4) }, () => junk(depth + 1))
    case 5:
      return note(`shape:j${int(50)}`, 'x', { parentId: ['page:page', 'page:none', `shape:j${int(50)}`][int(3)]!, isLocked: rand() < 0.3 })
    default:
      return Object.fromEntries(Array.from({ length: int(4) }, () => [['id', 'typeName', 'parentId', 'props', 'meta', 'x'][int(6)]!, junk(depth + 1)]))
  }
}

/** A well-formed Yjs update from a fresh client, writing junk anywhere in the document. */
function hostileUpdate(): Uint8Array {
  const doc = new Y.Doc()
  const map = doc.getMap(['records', 'records', 'records', 'meta', 'session', `mine-${int(3)}`][int(6)]!)
  for (let i = 0; i < 1 + int(4); i++) map.set(rand() < 0.7 ? `shape:j${int(50)}` : ['schema', 'templates', 'editing', 'x'][int(4)]!, junk())
  return Y.encodeStateAsUpdate(doc)
}

/** Mostly well-framed hostile messages (the connection stays), sometimes broken ones (it is closed). */
function frame(): Uint8Array {
  const r = rand()
  if (r < 0.04) return bytes(int(64))
  if (r < 0.06) return Uint8Array.from([...varUint(4 + int(10_000)), ...bytes(int(10))])
  if (r < 0.08) {
    const u = realUpdate.slice()
    for (let i = 0; i < 1 + int(4); i++) u[int(u.length)] ^= 1 << int(8)
    return Uint8Array.from([0, 2, ...varUint(u.length), ...u])
  }
  if (r < 0.1) {
    const u = realUpdate.subarray(0, int(realUpdate.length))
    return Uint8Array.from([0, int(2) ? 1 : 2, ...varUint(u.length), ...u])
  }
  if (r < 0.45) {
    const u = hostileUpdate()
    return Uint8Array.from([0, int(2) ? 1 : 2, ...varUint(u.length), ...u])
  }
  if (r < 0.7) {
    // awareness with random entries, states not always JSON objects
    const n = 1 + int(4)
    const inner: number[] = [...varUint(n)]
    for (let i = 0; i < n; i++) {
      const text = Buffer.from([JSON.stringify({ user: { name: 'x'.repeat(int(50)) } }), '[1,2]', '"texte"', '{pas du json', 'null'][int(5)]!)
      inner.push(...varUint(int(2 ** 32)), ...varUint(int(1000)), ...varUint(text.length), ...text)
    }
    return Uint8Array.from([1, ...varUint(inner.length), ...inner])
  }
  if (r < 0.8) {
    const text = Buffer.from(
      rand() < 0.7
        ? JSON.stringify({ type: ['hello', 'board.setMode', 'shape.lock', 'participant.remove', 'identity.update', 'x'][int(6)], id: int(100), mode: ['frozen', 'own', 'z'][int(3)], ids: [`shape:j${int(50)}`], locked: true, identityId: 'someone', name: 'N' })
        : '{' + String.fromCharCode(...bytes(int(30))),
    )
    return Uint8Array.from([100, ...varUint(text.length), ...text])
  }
  if (r < 0.9) return Uint8Array.from([0, 0, ...varUint(8), ...bytes(8)])
  return Uint8Array.from([3])
}

const closes = new Map<string, number>()
let opened = 0
async function open(i: number): Promise<WebSocket> {
  const board = boards[i % 3]!
  const token = i % 3 === 0 ? lab.tokens.viewer : lab.tokens.participant
  const ws = new WebSocket(`${wsUrl}/${board.id}?token=${token}`)
  ws.on('error', () => {})
  ws.on('message', () => {})
  await new Promise<void>((resolve) => {
    ws.once('open', () => resolve())
    ws.once('close', () => resolve())
  })
  opened++
  ws.on('close', (code) => closes.set(String(code), (closes.get(String(code)) ?? 0) + 1))
  return ws
}

let finishing = false
void server.exited.then((how) => {
  if (finishing) return
  out(`SERVER EXITED during the fuzz: ${how}`)
  process.exit(1)
})
const rssStart = rssMiB(server.pid)
const logBefore = fs.statSync(path.join(path.dirname(dataDir), 'server.log')).size
const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => open(i)))
const started = Date.now()
let sent = 0
let peak = rssStart
while (sent < FRAMES) {
  for (let i = 0; i < SOCKETS && sent < FRAMES; i++) {
    let ws = sockets[i]!
    if (ws.readyState !== WebSocket.OPEN) {
      ws = sockets[i] = await open(i)
      if (ws.readyState !== WebSocket.OPEN) continue
    }
    for (let k = 0; k < 20 && sent < FRAMES && ws.readyState === WebSocket.OPEN; k++, sent++) ws.send(frame())
  }
  // Let the server breathe, as a real network would.
  await new Promise((r) => setImmediate(r))
  if (sent % 50_000 < SOCKETS * 20) {
    peak = Math.max(peak, rssMiB(server.pid))
    await Promise.all(sockets.map((ws) => (ws.bufferedAmount > 1 << 20 ? sleep(5) : undefined)))
  }
}
const seconds = (Date.now() - started) / 1000
for (const ws of sockets) ws.terminate()
await sleep(1000)

// Still serving; board A exactly as before; every record of B and C well-formed.
const health = (await (await fetch(base + '/healthz')).json()) as any
const check = connect(wsUrl, boards[0]!.id, lab.tokens.viewer)
await waitSynced(check.provider)
const intactA = isDeepStrictEqual(getRecordsMap(check.doc).toJSON(), before)
check.provider.destroy()
let malformedRecords = 0
for (const b of boards.slice(1)) {
  const c = connect(wsUrl, b.id, lab.tokens.viewer)
  await waitSynced(c.provider)
  for (const [key, value] of getRecordsMap(c.doc).entries()) if (recordProblem(key, value) !== null) malformedRecords++
  c.provider.destroy()
}
const rssEnd = rssMiB(server.pid)
const hwm = Math.round((memory(server.pid).hwmKiB / 1024) * 10) / 10
const logBytes = fs.statSync(path.join(path.dirname(dataDir), 'server.log')).size - logBefore
finishing = true
const stopped = await server.stop()
out(`protocol fuzz, seed ${SEED}: ${sent.toLocaleString('en')} frames in ${seconds.toFixed(1)} s (${Math.round(sent / seconds).toLocaleString('en')}/s) on ${SOCKETS} sockets, ${opened} connections opened`)
out(`server: alive to the end (healthz ${health.status}), stopped with ${stopped.how}; RSS start ${rssStart} MiB, peak sampled ${peak} MiB, high-water ${hwm} MiB, end ${rssEnd} MiB`)
out(`connections closed by the server, by code: ${[...closes.entries()].map(([c, n]) => `${c}×${n}`).join(', ')}`)
out(`board A (viewers only): ${intactA ? 'identical to before' : 'CHANGED'}; boards B and C (participants): ${malformedRecords} malformed records`)
out(`server log written during the fuzz: ${(logBytes / 1024).toFixed(1)} KiB; refusals counted: ${health.refusals.total}`)
process.exit(0)
