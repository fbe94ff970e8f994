// `npx tsx scripts/reliability/history.ts [weeks=208] [seed=1]`: the storage a board's history
// takes after four years of weekly workshops, through Fabrique's real code — the SQLite
// storage, the room (store before relay, compaction, unload), the board's rules and the
// history hooks — on a simulated clock. Prints the database file's size, the bytes per table
// and what the history holds (RELIABILITY.md, "A board's history over four years").
//
// Each week: a facilitator and 6 to 10 of 12 participants open the board (each a new tab: a
// new Yjs client, as in life); two bursts of work separated by a break (each participant
// writes notes, edits some, deletes some of theirs; the facilitator rewrites prompts and
// clears old notes so the board stays a working board of ~300 notes); an automatic checkpoint
// when the first burst goes quiet (what the idle timer does), another when the last person
// leaves; a named one at the end of each workshop; a restore of the previous workshop's named
// checkpoint once a quarter. The board leaves memory (and is compacted) between workshops.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import type { Board, Lab } from '../../shared/lab'
import { noteRecord } from '../../shared/noteRecord'
import { createBoardAuthority } from '../../server/authority/createBoardAuthority'
import { createHistory } from '../../server/history/createHistory'
import { THINNING } from '../../server/history/thinCheckpoints'
import { createLogger } from '../../server/logger'
import { SqliteStorage } from '../../server/persistence/SqliteStorage'
import type { StoredCheckpoint } from '../../server/persistence/Storage'
import type { Connection } from '../../server/rooms/Connection'
import { createBoardSeeder } from '../../server/rooms/BoardSeeder'
import type { Room } from '../../server/rooms/Room'
import { RoomManager } from '../../server/rooms/RoomManager'
import { mulberry32 } from '../../test/support/random'
import { applySyncMessages, MemorySocket, step1Message, updateMessage } from '../../test/support/memorySockets'

const WEEKS = Number(process.argv[2] ?? 208)
const SEED = Number(process.argv[3] ?? 1)
const DAY = 24 * 3600 * 1000
const out = (line: string) => process.stdout.write(line + '\n')
const random = mulberry32(SEED)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))

const WORDS = 'mobilité covoiturage navette quartier habitants aînés isolement jardin partagé crèche solidarité emploi insertion logement énergie précarité réseau bénévoles mairie association entreprise financement évaluation expérimentation gouvernance coopération territoire transport accès santé alimentation circuit court atelier formation numérique inclusion'.split(' ')
const sentence = () => {
  const words = Array.from({ length: int(4, 14) }, () => pick(WORDS))
  return words.join(' ').replace(/^./, (c) => c.toUpperCase())
}

// A simulated clock: weekly workshops from Monday 6 September 2027, 14:00.
let now = Date.UTC(2027, 8, 6, 14)
const logger = createLogger('silent')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-history-'))
const file = path.join(dir, 'fabrique.db')
const storage = new SqliteStorage(file)
const seeder = createBoardSeeder({ seedsDir: null })
const kept: StoredCheckpoint[] = []
const history = createHistory({
  storage,
  logger,
  // The idle timer is not waited for: the script calls what it does when a burst ends.
  checkpointIdleMs: 24 * 3600 * 1000,
  binRetentionDays: 30,
  currentSchema: () => seeder.currentSchema(),
  now: () => now,
  onCheckpoint: (c) => kept.push(c),
})
const rooms = new RoomManager({
  storage,
  logger,
  sendBufferLimitBytes: 64 * 1024 * 1024,
  compactAfterUpdates: 500,
  roomIdleMs: 3_600_000,
  hooks: [createBoardAuthority({ storage }), history.hooks],
})

const lab: Lab = { id: 'labHistory01', title: 'Labo mobilité solidaire', theme: '', territory: 'Lyon', startDate: '2027-09-01', phase: 'emergence', members: [], activities: {}, createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() }
await storage.createLab(lab, { facilitator: 'a'.repeat(64), participant: 'b'.repeat(64), viewer: 'c'.repeat(64) })
const board: Board = { id: 'boardHistory1', labId: lab.id, title: 'Stratégie collective', phase: 'emergence', template: 'iceberg', createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString(), archived: false, deletedAt: null }
await storage.createBoard(board, await seeder.initialUpdate(board, 'fr'))
const person = (i: number) => ({ id: `person${String(i).padStart(6, '0')}`, name: i === 0 ? 'Fatou' : `Participant·e ${i}`, color: '#1971c2' })
for (let i = 0; i <= 12; i++) await storage.createIdentity({ ...person(i), labId: lab.id, secretHash: 'f'.repeat(64), createdAt: new Date(now).toISOString() })

/** A person's tab on the board: an in-memory socket into the real room, and its own Yjs document. */
interface Tab {
  who: ReturnType<typeof person>
  connection: Connection
  socket: MemorySocket
  doc: Y.Doc
}

async function open(room: Room, i: number): Promise<Tab> {
  const socket = new MemorySocket()
  const who = person(i)
  const connection = room.addConnection(socket, i === 0 ? 'facilitator' : 'participant', { ...who, ephemeral: false })
  const doc = new Y.Doc()
  room.handleMessage(connection, step1Message(doc))
  await room.settle()
  applySyncMessages(doc, socket.take())
  return { who, connection, socket, doc }
}

/** Writes in a tab, as its client would: one update sent to the room, then everyone syncs. */
async function write(room: Room, tab: Tab, change: (records: Y.Map<StoredRecord>) => void, tabs: Tab[]): Promise<void> {
  const updates: Uint8Array[] = []
  const listen = (u: Uint8Array) => updates.push(u)
  tab.doc.on('update', listen)
  Y.transact(tab.doc, () => change(getRecordsMap(tab.doc)))
  tab.doc.off('update', listen)
  for (const u of updates) room.handleMessage(tab.connection, updateMessage(u))
  await room.settle()
  for (const t of tabs) applySyncMessages(t.doc, t.socket.take())
}

let noteCount = 0
const notesOf = (doc: Y.Doc, author?: string) =>
  [...getRecordsMap(doc).values()].filter((r) => r.typeName === 'shape' && r.type === 'note' && (author === undefined || (r.meta as { author?: string }).author === author))

async function burst(room: Room, tabs: Tab[]): Promise<void> {
  const [fac, ...participants] = tabs
  for (const tab of participants) {
    // A few new notes, one edit of one's own, sometimes a deletion of one's own.
    for (let n = int(2, 4); n > 0; n--) {
      const id = `shape:n${++noteCount}`
      await write(room, tab, (r) => r.set(id, noteRecord({ id, parentId: 'page:page', x: int(-2000, 4000), y: int(-1500, 3000), index: `a${noteCount}`, text: sentence(), meta: { author: tab.who.id } })), tabs)
    }
    const mine = notesOf(tab.doc, tab.who.id)
    if (mine.length > 0) {
      const edited = pick(mine)
      await write(room, tab, (r) => r.set(edited.id, noteRecord({ id: edited.id, parentId: 'page:page', x: Number(edited.x) + 20, y: Number(edited.y), index: String(edited.index), text: sentence(), meta: { author: tab.who.id } })), tabs)
    }
    if (mine.length > 3 && random() < 0.4) await write(room, tab, (r) => r.delete(pick(mine).id), tabs)
  }
  // The facilitator tidies up: old notes cleared once the board holds more than ~300.
  const all = notesOf(fac!.doc)
  if (all.length > 300) {
    const old = all.sort((a, b) => Number(String(a.id).slice(7)) - Number(String(b.id).slice(7))).slice(0, all.length - 300 + int(10, 30))
    await write(room, fac!, (r) => old.forEach((n) => r.delete(n.id)), tabs)
  }
}

const started = performance.now()
let restores = 0
let lastNamed: string | null = null
for (let week = 0; week < WEEKS; week++) {
  now = Date.UTC(2027, 8, 6, 14) + week * 7 * DAY
  const room = await rooms.getRoom(board.id)
  const participants = Array.from({ length: 12 }, (_, i) => i + 1).sort(() => random() - 0.5).slice(0, int(6, 10))
  const tabs: Tab[] = []
  for (const i of [0, ...participants]) tabs.push(await open(room, i))
  if (week % 13 === 12 && lastNamed) {
    // Once a quarter, the previous workshop's state is restored (a session to start again).
    await history.of(room).restore(lastNamed, person(0))
    restores++
    await room.settle()
    for (const t of tabs) applySyncMessages(t.doc, t.socket.take())
  }
  await burst(room, tabs)
  now += 75 * 60 * 1000
  await history.of(room).takeAuto()
  now += 30 * 60 * 1000
  await burst(room, tabs)
  now += 60 * 60 * 1000
  lastNamed = (await history.of(room).takeNamed(`Fin de l’atelier du ${new Date(now).toISOString().slice(0, 10)}`, person(0))).id
  await write(room, tabs[0]!, (r) => {
    const id = `shape:n${++noteCount}`
    r.set(id, noteRecord({ id, parentId: 'page:page', x: 0, y: -400, index: `a${noteCount}`, text: 'Relevé de décisions', meta: { author: person(0).id } }))
  }, tabs)
  // Everyone leaves: the last one out triggers a checkpoint (the board changed since the named one).
  const before = kept.length
  for (const t of tabs) room.removeConnection(t.connection)
  while (kept.length === before) await new Promise((resolve) => setImmediate(resolve))
  await room.settle()
  await room.compact()
  await rooms.closeAll(1001, 'workshop over')
  if ((week + 1) % 52 === 0) out(`year ${(week + 1) / 52}: ${(await storage.listCheckpoints(board.id)).length} checkpoints kept, ${notesOf(tabs[0]!.doc).length} notes on the board`)
}
const seconds = (performance.now() - started) / 1000

// The day after the last workshop: the bin holds the last 30 days (emptied of the rest when
// the board loads), then the figures.
now += DAY
await rooms.getRoom(board.id)
await rooms.closeAll(1001, 'done')
storage.reclaimSpace()
// What the board's last state weighs whole (what a checkpoint keeps: Yjs's own history of
// deletions and every client that ever wrote) and as a fresh document holding its records only.
const { gzipSync } = await import('node:zlib')
const finalDoc = new Y.Doc()
for (const u of (await storage.loadUpdates(board.id)).updates) Y.applyUpdate(finalDoc, u)
const freshDoc = new Y.Doc()
Y.transact(freshDoc, () => {
  for (const [id, record] of getRecordsMap(finalDoc)) getRecordsMap(freshDoc).set(id, record)
})
const whole = Y.encodeStateAsUpdate(finalDoc)
const fresh = Y.encodeStateAsUpdate(freshDoc)
const list = await storage.listCheckpoints(board.id)
const byKind = (kind: string) => list.filter((c) => c.kind === kind).length
const bin = await storage.listBin(board.id)
await storage.close()

const Database = (await import('better-sqlite3')).default
const db = new Database(file, { readonly: true })
const tables = db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC").all() as { name: string; bytes: number }[]
const blobs = db.prepare('SELECT COUNT(*) AS n, SUM(LENGTH(state)) AS kept, SUM(state_bytes) AS raw, MAX(state_bytes) AS maxRaw FROM checkpoints').get() as { n: number; kept: number; raw: number; maxRaw: number }
const live = db.prepare('SELECT SUM(LENGTH(data)) AS bytes, COUNT(*) AS rows FROM board_updates').get() as { bytes: number; rows: number }
db.close()
const size = (name: string) => (fs.existsSync(name) ? fs.statSync(name).size : 0)
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`

out('')
out(`${WEEKS} weekly workshops (${(WEEKS / 52).toFixed(1)} years), seed ${SEED}, simulated in ${seconds.toFixed(1)} s: ${noteCount} notes written, ${restores} restores`)
out(`thinning: all automatic checkpoints of the last ${THINNING.keepAllDays} days, the last of each day until ${THINNING.dailyDays} days, then of each week for ever unless a later named or before-restore checkpoint of the week stands for it; named and before-restore kept`)
out('')
out('| | |')
out('|---|---|')
out(`| database file | **${mib(size(file))}** (+ WAL ${kib(size(file + '-wal'))}) |`)
const MAIN = ['checkpoints', 'board_updates', 'board_bin', 'board_bin_by_time', 'checkpoints_by_time', 'sqlite_autoindex_checkpoints_1']
for (const t of tables.filter((t) => MAIN.includes(t.name))) out(`| table/index \`${t.name}\` | ${t.bytes >= 2 ** 20 ? mib(t.bytes) : kib(t.bytes)} |`)
const others = tables.filter((t) => !MAIN.includes(t.name))
out(`| ${others.length} other tables and indexes (lab, board, identities…) | ${kib(others.reduce((n, t) => n + t.bytes, 0))} |`)
out(`| checkpoints kept | ${list.length}: ${byKind('auto')} automatic, ${byKind('named')} named, ${byKind('before-restore')} before-restore (${kept.length} taken in all) |`)
out(`| checkpoint states | ${mib(blobs.kept)} gzipped for ${mib(blobs.raw)} of Yjs state (×${(blobs.raw / blobs.kept).toFixed(1)}); the largest ${kib(blobs.maxRaw)} |`)
out(`| the live board | ${kib(live.bytes)} in ${live.rows} row(s) after compaction; its state ${kib(gzipSync(whole, { level: 9 }).byteLength)} gzipped (${finalDoc.store.clients.size} Yjs clients), its records alone in a fresh document ${kib(gzipSync(fresh, { level: 9 }).byteLength)} gzipped (${kib(fresh.byteLength)} raw) |`)
out(`| the bin | ${bin.length} records (the last ${30} days) |`)
fs.rmSync(dir, { recursive: true, force: true })
