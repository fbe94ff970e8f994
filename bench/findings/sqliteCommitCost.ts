// `npx tsx bench/findings/sqliteCommitCost.ts`: what one commit of the board log costs in
// SQLite with the schema of `board_updates` as it is (`seq INTEGER PRIMARY KEY AUTOINCREMENT`,
// an index on (board_id, seq), incremental auto-vacuum) and with the alternatives a migration
// could bring — no AUTOINCREMENT (no `sqlite_sequence` row rewritten by every insert), no
// auto-vacuum (no pointer map), rows clustered per board (WITHOUT ROWID on (board_id, seq):
// one b-tree instead of a table and an index). The load is the bench's: 60 boards already
// holding 500 rows each, then 10,000 commits of 1–4 rows of 120–200 bytes, as the rooms'
// group commits make them. Same pragmas as SqliteStorage. CPU of this process, 3 rounds each,
// interleaved. See BENCHMARKS.md, "Where each target … stands (third session)".
import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

interface Variant {
  autoVacuum: 'INCREMENTAL' | 'NONE'
  schema: string
  /** Rows need their seq given (WITHOUT ROWID has no rowid to number them). */
  explicitSeq: boolean
}

const VARIANTS: Record<string, Variant> = {
  'as it is': {
    autoVacuum: 'INCREMENTAL',
    schema: 'CREATE TABLE u (seq INTEGER PRIMARY KEY AUTOINCREMENT, board_id TEXT NOT NULL, data BLOB NOT NULL); CREATE INDEX u_by_board ON u(board_id, seq);',
    explicitSeq: false,
  },
  'no AUTOINCREMENT': {
    autoVacuum: 'INCREMENTAL',
    schema: 'CREATE TABLE u (seq INTEGER PRIMARY KEY, board_id TEXT NOT NULL, data BLOB NOT NULL); CREATE INDEX u_by_board ON u(board_id, seq);',
    explicitSeq: false,
  },
  'no AUTOINCREMENT, no auto-vacuum': {
    autoVacuum: 'NONE',
    schema: 'CREATE TABLE u (seq INTEGER PRIMARY KEY, board_id TEXT NOT NULL, data BLOB NOT NULL); CREATE INDEX u_by_board ON u(board_id, seq);',
    explicitSeq: false,
  },
  'clustered per board (WITHOUT ROWID)': {
    autoVacuum: 'INCREMENTAL',
    schema: 'CREATE TABLE u (board_id TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (board_id, seq)) WITHOUT ROWID;',
    explicitSeq: true,
  },
}

const boards = Array.from({ length: 60 }, () => randomBytes(8).toString('hex'))
const blobs = Array.from({ length: 100 }, () => randomBytes(120 + Math.floor(Math.random() * 80)))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-sqlite-commit-'))

function run(name: string, variant: Variant): { cpuMs: number; systemMs: number } {
  const file = path.join(dir, `${name.replace(/\W+/g, '-')}.db`)
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
  const db = new Database(file)
  db.pragma(`auto_vacuum = ${variant.autoVacuum}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -4096')
  db.pragma('wal_autocheckpoint = 8000')
  db.exec(variant.schema)
  const insert = variant.explicitSeq ? db.prepare('INSERT INTO u (board_id, seq, data) VALUES (?, ?, ?)') : db.prepare('INSERT INTO u (board_id, data) VALUES (?, ?)')
  let seq = 0
  const append = (board: string, data: Buffer) => (variant.explicitSeq ? insert.run(board, ++seq, data) : insert.run(board, data))
  db.transaction(() => {
    for (let i = 0; i < 30_000; i++) append(boards[i % boards.length]!, blobs[i % blobs.length]!)
  })()
  const commit = db.transaction((rows: [string, Buffer][]) => {
    for (const [board, data] of rows) append(board, data)
  })
  let k = 0
  const before = process.cpuUsage()
  for (let c = 0; c < 10_000; c++) {
    const rows: [string, Buffer][] = []
    for (let j = 0; j <= c % 4; j++, k++) rows.push([boards[(k * 7) % boards.length]!, blobs[k % blobs.length]!])
    commit(rows)
  }
  const used = process.cpuUsage(before)
  db.close()
  return { cpuMs: Math.round((used.user + used.system) / 1000), systemMs: Math.round(used.system / 1000) }
}

const results = new Map<string, number[]>()
for (let round = 0; round < 3; round++) {
  for (const [name, variant] of Object.entries(VARIANTS)) {
    const { cpuMs, systemMs } = run(name, variant)
    results.set(name, [...(results.get(name) ?? []), cpuMs])
    console.log(`round ${round + 1}  ${name}: ${cpuMs} ms CPU (${systemMs} ms in the kernel)`)
  }
}
fs.rmSync(dir, { recursive: true, force: true })
console.log('\n10,000 commits, CPU per round (ms):')
for (const [name, cpu] of results) console.log(`  ${name}: ${cpu.join(' / ')}`)
