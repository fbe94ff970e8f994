// `npx tsx scripts/reliability/attacks.ts`: replays, against Fabrique's production build with
// its default limits, each attack that once worked (RELIABILITY.md lists them), and prints
// what happens now.
import WebSocket from 'ws'
import * as Y from 'yjs'
import { memory } from '../../bench/procStats'
import { getRecordsMap } from '../../shared/boardDoc'
import { awarenessMessage, step1Message, updateMessage } from '../../test/support/memorySockets'
import { connect, waitFor } from '../../test/support/providers'
import { note } from '../../test/support/records'
import { rssMiB, sleep, startFabrique } from './fabriqueProcess'

const out = (m: string) => process.stdout.write(m + '\n')
// Each flooding attack comes from an address of its own (X-Forwarded-For, as behind a proxy),
// so the limits it meets are its own and not those of the attacks before it.
const { server } = await startFabrique({ TRUST_PROXY: '1' })
const base = server.baseUrl
const wsUrl = `ws://127.0.0.1:${server.port}/sync`
const hwm = () => Math.round((memory(server.pid).hwmKiB / 1024) * 10) / 10
async function post(p: string, body: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json().catch(() => null)) as any }
}
async function rawSocket(boardId: string, token: string) {
  const ws = new WebSocket(`${wsUrl}/${boardId}?token=${token}`)
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  ws.on('error', () => {})
  let received = 0
  ws.on('message', () => received++)
  await new Promise((r) => ws.once('open', r))
  // The board is loaded once the server's sync step 1 arrives (before that, little is held).
  await waitFor(() => received > 0, 'the server’s first message')
  return { ws, closed, received: () => received }
}
async function timeToSync(boardId: string, token: string) {
  const started = Date.now()
  const c = connect(wsUrl, boardId, token)
  await waitFor(() => c.provider.synced, 'synced', 120_000)
  const ms = Date.now() - started
  return { ms, c }
}
const results: string[] = []
const report = (attack: string, outcome: string) => {
  results.push(`| ${attack} | ${outcome} |`)
  out(`- ${attack}: ${outcome}`)
}

const lab = (await post('/api/labs', { title: 'Attaques' })).body
const board = async (title: string) => (await post(`/api/labs/${lab.id}/boards`, { title }, lab.tokens.facilitator)).body.id as string

{
  // 1. A viewer announces 300,000 awareness ids.
  const id = await board('presence')
  const rss0 = rssMiB(server.pid)
  const v = await rawSocket(id, lab.tokens.viewer)
  const state = { user: { name: 'x'.repeat(100) } }
  for (let batch = 0; batch < 34; batch++) v.ws.send(awarenessMessage(Array.from({ length: 9000 }, (_, i) => ({ clientId: batch * 9000 + i + 1, clock: 1, state }))))
  await waitFor(() => v.received() >= 35, 'the flood processed', 60_000)
  const { ms, c } = await timeToSync(id, lab.tokens.participant)
  const seen = [...c.provider.awareness.getStates().keys()].filter((k) => k !== c.doc.clientID).length
  c.provider.destroy()
  report('viewer announces 306,000 awareness ids (34 messages of 9,000, ~40 MiB)', `newcomer synced in ${ms} ms and sees ${seen} of them (cap: 4 per connection); server RSS ${rss0} → ${rssMiB(server.pid)} MiB`)
  v.ws.terminate()
}

let bigBoard = ''
{
  // 2. Six viewers ask a large board for everything and never read.
  bigBoard = await board('grand')
  const w = connect(wsUrl, bigBoard, lab.tokens.facilitator)
  await waitFor(() => w.provider.synced, 'synced')
  for (let chunk = 0; chunk < 30; chunk++) {
    Y.transact(w.doc, () => {
      for (let i = 0; i < 20; i++) getRecordsMap(w.doc).set(`shape:big-${chunk}-${i}`, note(`big-${chunk}-${i}`, ''.padEnd(40_000, String(i % 10))))
    })
    await sleep(100)
  }
  await sleep(1500)
  w.provider.destroy()
  const rss0 = rssMiB(server.pid)
  const readers = await Promise.all(Array.from({ length: 6 }, () => rawSocket(bigBoard, lab.tokens.viewer)))
  for (const r of readers) {
    ;(r.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    for (let i = 0; i < 20; i++) r.ws.send(step1Message(new Y.Doc()))
  }
  await sleep(3000)
  const during = rssMiB(server.pid)
  const { ms, c } = await timeToSync(bigBoard, lab.tokens.participant)
  const records = getRecordsMap(c.doc).size
  c.provider.destroy()
  const health = (await (await fetch(base + '/healthz')).json()) as any
  report(
    'six viewers send sync step 1 ×20 to a ~24 MiB board and never read',
    `server RSS ${rss0} → ${during} MiB (budget ${health.sendBudget.limitBytes / 2 ** 20} MiB of unsent data; ${health.sendBudget.dropped} slow readers dropped; step 1 rate-limited to 4 then 1/5 s); an honest newcomer synced ${records} records in ${ms} ms`,
  )
  for (const r of readers) r.ws.terminate()
}

{
  // 3. Taking over an idle user's presence.
  const id = await board('usurpation')
  const owner = await rawSocket(id, lab.tokens.participant)
  owner.ws.send(awarenessMessage([{ clientId: 777, clock: 1, state: { user: { name: 'Amina' } } }]))
  const watcher = connect(wsUrl, id, lab.tokens.participant)
  await waitFor(() => watcher.provider.synced, 'synced')
  await waitFor(() => watcher.provider.awareness.getStates().has(777), 'Amina present')
  await sleep(20_000)
  const thief = await rawSocket(id, lab.tokens.viewer)
  thief.ws.send(awarenessMessage([{ clientId: 777, clock: 50, state: { user: { name: 'Voleur' } } }, { clientId: 778, clock: 1, state: {} }]))
  await waitFor(() => watcher.provider.awareness.getStates().has(778), 'the thief processed')
  const name = (watcher.provider.awareness.getStates().get(777) as any)?.user?.name
  report('a viewer takes over the presence of a user idle for 20 s', `refused: the watcher still sees “${name}” (take-over needs the owner silent 30 s, y-protocols renews every 15 s)`)
  watcher.provider.destroy()
  owner.ws.terminate()
  thief.ws.terminate()
}

{
  // 4. Presence that is not JSON.
  const id = await board('json')
  const watcher = connect(wsUrl, id, lab.tokens.participant)
  await waitFor(() => watcher.provider.synced, 'synced')
  const v = await rawSocket(id, lab.tokens.viewer)
  const text = Buffer.from('{not json')
  const inner = Buffer.concat([Buffer.from([1, 9, 1, text.length]), text])
  v.ws.send(Buffer.concat([Buffer.from([1, inner.length]), inner]))
  v.ws.send(awarenessMessage([{ clientId: 10, clock: 1, state: { ok: true } }]))
  await waitFor(() => watcher.provider.awareness.getStates().has(10), 'the valid one')
  report('a viewer sends presence that is not JSON (crashed stock Node clients)', `dropped: the stock client never receives it (${watcher.provider.awareness.getStates().has(9) ? 'RECEIVED' : 'absent'}), the valid one that follows arrives`)
  watcher.provider.destroy()
  v.ws.terminate()
}

{
  // 5. Creating labs as fast as possible.
  const started = Date.now()
  const statuses: number[] = []
  for (let i = 0; i < 100; i++) statuses.push((await post('/api/labs', { title: `flood ${i}` }, undefined, { 'x-forwarded-for': '10.0.0.5' })).status)
  const ok = statuses.filter((s) => s === 201).length
  report('100 labs created in a loop from one address', `${ok} created (20 per hour per address), ${statuses.filter((s) => s === 429).length} refused with 429 and Retry-After, in ${Date.now() - started} ms`)
}

{
  // 6. Unlimited boards and writes with a facilitator token.
  const statuses: number[] = []
  for (let i = 0; i < 400; i++) statuses.push((await post(`/api/labs/${lab.id}/boards`, { title: `b${i}` }, lab.tokens.facilitator, { 'x-forwarded-for': '10.0.0.6' })).status)
  report('400 boards created in a loop with the facilitator token', `${statuses.filter((s) => s === 201).length} created, then 429 (${statuses.filter((s) => s === 429).length}): API writes are limited to 300 per minute per address`)
}

{
  // 7. Huge updates, then filling a board.
  const id = await board('gros')
  const big = new Y.Doc()
  getRecordsMap(big).set('shape:huge', note('huge', ''.padEnd(16 * 1024 * 1024, 'h')))
  const huge = await rawSocket(id, lab.tokens.participant)
  huge.ws.send(updateMessage(Y.encodeStateAsUpdate(big)))
  const hugeClosed = await huge.closed
  const w = connect(wsUrl, id, lab.tokens.participant)
  let closedWith = 0
  w.provider.on('closed', (e: { code: number }) => (closedWith = e.code))
  await waitFor(() => w.provider.synced, 'synced')
  const started = Date.now()
  let written = 0
  for (let i = 0; i < 200 && closedWith === 0; i++) {
    getRecordsMap(w.doc).set(`shape:fill-${i}`, note(`fill-${i}`, ''.padEnd(1_000_000, 'f')))
    written += 1_000_000
    await sleep(30)
  }
  await waitFor(() => closedWith !== 0, 'the writer closed', 30_000)
  const s = (Date.now() - started) / 1000
  const { ms, c } = await timeToSync(id, lab.tokens.viewer)
  const kept = getRecordsMap(c.doc).size
  c.provider.destroy()
  report(
    'a 16 MiB update, then 1 MB notes in a loop on one board',
    `the 16 MiB message is refused (close ${hugeClosed}: over MAX_MESSAGE_BYTES, 2 MiB); the board takes ${(written / 2 ** 20).toFixed(0)} MiB in ${s.toFixed(1)} s, then the writer is closed with ${closedWith} (MAX_BOARD_BYTES, 64 MiB); a reader still loads its ${kept} records in ${ms} ms`,
  )
}

{
  // 8. Images: as many 10 MiB uploads as possible.
  const id = await board('images')
  const png = Buffer.concat([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'), Buffer.alloc(10 * 1024 * 1024 - 100)])
  const other = (await post('/api/labs', { title: 'images' }, undefined, { 'x-forwarded-for': '10.0.0.9' })).body
  const target = other?.id ? { lab: other, board: (await post(`/api/labs/${other.id}/boards`, { title: 'i' }, other.tokens.facilitator)).body.id } : { lab, board: id }
  const statuses: number[] = []
  for (let i = 0; i < 60; i++) {
    const res = await fetch(`${base}/api/boards/${target.board}/assets`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${target.lab.tokens.participant}` }, body: new Uint8Array(png) })
    statuses.push(res.status)
    await res.arrayBuffer()
  }
  report('60 images of 10 MiB uploaded to one lab', `${statuses.filter((s) => s === 201).length} stored, then ${statuses.filter((s) => s === 413).length} refused with 413 (MAX_LAB_ASSET_BYTES, 512 MiB)${statuses.includes(429) ? `, ${statuses.filter((s) => s === 429).length} with 429` : ''}; never-used images are deleted 24 h after upload when their board leaves memory`)
}

const peak = hwm()
await server.stop()
out(`\nserver peak RSS over all attacks: ${peak} MiB`)
out('\n| attack | outcome now |\n|---|---|\n' + results.join('\n'))
process.exit(0)
