import { isDeepStrictEqual } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { authorOf, recordProblem, referencesOf } from '../../shared/authority/records'
import { BoardMetaKey, getMetaMap, getRecordsMap, getSessionMap, type StoredRecord } from '../../shared/boardDoc'
import { BoardSessionKey, EDITING_MODES } from '../../shared/boardSession'
import { createBoardSchema } from '../../shared/tldrawDoc'
import { commandChannel, hello, issueIdentity } from '../support/commands'
import { connect, waitFor, waitSynced } from '../support/providers'
import { mulberry32 } from '../support/random'
import { note } from '../support/records'
import { createLabAndBoard, makeDataDir, startServer, type TestServer } from '../support/testServer'

let cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const BOARD_ROOTS = new Set(['records', 'meta', 'session'])

/** Live entries of a root type whatever its kind (map entries and list items). */
function liveContent(type: Y.AbstractType<unknown>): number {
  const t = type as unknown as { _map: Map<string, Y.Item>; _start: Y.Item | null }
  let n = [...t._map.values()].filter((item) => !item.deleted).length
  for (let item = t._start; item; item = item.right) if (!item.deleted) n++
  return n
}

function state(doc: Y.Doc) {
  return { records: getRecordsMap(doc).toJSON(), meta: getMetaMap(doc).toJSON(), session: getSessionMap(doc).toJSON() }
}

interface Log {
  /** Who first created each id (identity id). */
  createdBy: Map<string, string>
  /** `id|identity` of every delete attempted. */
  deleteAttempts: Set<string>
  /** Shapes the facilitator locked with a command. */
  lockedByFacilitator: Set<string>
}

/**
 * Five participants' modified clients (stock providers writing raw Yjs) make random allowed
 * and forbidden changes — notes, moves, deletes, locks, nulls, garbage, schema and session
 * writes, select-all deletes, frames — while going offline and back; the facilitator switches
 * the editing mode and locks notes. At the end everyone (honest or not), the server, the disk
 * and a fresh client after a restart hold the same board, and that board obeys every rule.
 */
async function runAuthorityFuzz(seed: number, steps: number): Promise<void> {
  const rand = mulberry32(seed)
  const int = (n: number) => Math.floor(rand() * n)
  const pick = <T,>(list: readonly T[]): T | undefined => list[int(list.length)]
  const dataDir = makeDataDir()
  let s: TestServer = await startServer({ COMPACT_AFTER_UPDATES: '20' }, dataDir)
  cleanups.push(() => s.stop())
  const { lab, board } = await createLabAndBoard(s.url, { title: 'Fuzz', template: 'iceberg' })
  const open = (token: string, identity?: string) => {
    const c = connect(s.wsUrl, board.id, token, new Y.Doc(), { maxBackoffTime: 100, identity })
    cleanups.push(() => c.provider.destroy())
    return c
  }
  const fac = await issueIdentity(s.url, lab.id, lab.tokens.facilitator, 'Animatrice')
  const facilitator = open(lab.tokens.facilitator, fac.credential)
  const facCommands = commandChannel(facilitator.provider)
  const honest = open(lab.tokens.participant)
  const offenders = await Promise.all(
    Array.from({ length: 5 }, async (_, i) => {
      const { identity, credential } = await issueIdentity(s.url, lab.id, lab.tokens.participant, `P${i}`)
      return { ...open(lab.tokens.participant, credential), identity, made: 0 }
    }),
  )
  const everyone = [facilitator, honest, ...offenders]
  await Promise.all(everyone.map((c) => waitSynced(c.provider)))
  await hello(facCommands)
  Y.transact(facilitator.doc, () => {
    getRecordsMap(facilitator.doc).set('shape:frame', { ...note('frame'), type: 'frame', isLocked: true, props: { w: 500, h: 300, name: 'Réservé', color: 'black' } })
    getRecordsMap(facilitator.doc).set('shape:in-frame', note('in-frame', 'gardé', { parentId: 'shape:frame' }))
  })
  await waitFor(() => getRecordsMap(honest.doc).has('shape:in-frame'), 'the setup at the honest client')
  const room0 = await s.server.rooms.getRoom(board.id)
  await waitFor(() => isDeepStrictEqual(state(honest.doc), state(room0.doc)), 'the honest client in sync')
  const initial = state(room0.doc)
  const initiallyLocked = Object.values(initial.records as Record<string, StoredRecord>).filter((r) => r.typeName === 'shape' && r.isLocked)
  expect(initiallyLocked.length).toBeGreaterThan(3)

  const log: Log = { createdBy: new Map(), deleteAttempts: new Set(), lockedByFacilitator: new Set() }
  const seenAtHonest = new Set<string>()
  honest.doc.on('afterTransaction', () => {
    for (const id of getRecordsMap(honest.doc).keys()) seenAtHonest.add(id)
  })
  const schema = createBoardSchema().serialize() as any
  const commands: Promise<unknown>[] = []

  for (let step = 0; step < steps; step++) {
    const c = pick(offenders)!
    const records = getRecordsMap(c.doc)
    // A modified client's own document may briefly hold its refused garbage.
    const shapes = [...records.entries()].filter(([key, r]) => typeof r === 'object' && r !== null && r.typeName === 'shape' && r.id === key).map(([, r]) => r)
    const any = pick(shapes)
    const r = rand()
    const newId = () => `shape:${c.identity.id.slice(0, 6)}-${c.made++}`
    if (r < 0.2) {
      const id = newId()
      const parent = pick(['page:page', 'page:page', 'page:page', 'shape:frame', 'page:missing', any?.type === 'frame' ? any.id : 'page:page'])!
      const claimed = rand() < 0.15 ? { author: pick(offenders)!.identity.id } : {}
      log.createdBy.set(id, c.identity.id)
      records.set(id, note(id, `n${step}`, { parentId: parent, meta: claimed }))
    } else if (r < 0.4 && any) {
      records.set(any.id, { ...any, x: (any.x as number) + int(200) - 100, y: (any.y as number) + int(50) })
    } else if (r < 0.52 && any) {
      log.deleteAttempts.add(`${any.id}|${c.identity.id}`)
      records.delete(any.id)
    } else if (r < 0.58 && any) {
      records.set(any.id, { ...any, isLocked: !any.isLocked })
    } else if (r < 0.62 && any) {
      const bad = pick([null, { hello: 1 }, { ...any, id: 'shape:other' }, { ...any, typeName: 'weird' }, { ...any, parentId: any.id }, 'text'])
      records.set(any.id, bad as never)
    } else if (r < 0.65) {
      const sequences = { ...schema.sequences, 'com.tldraw.shape.note': schema.sequences['com.tldraw.shape.note'] + pick([-1, 3])! }
      getMetaMap(c.doc).set(BoardMetaKey.schema, rand() < 0.3 ? 'garbage' : { ...schema, sequences })
    } else if (r < 0.67) {
      getMetaMap(c.doc).delete(BoardMetaKey.templates)
    } else if (r < 0.7) {
      getSessionMap(c.doc).set(BoardSessionKey.editing, { mode: 'open', by: c.identity.id, at: 'now' })
    } else if (r < 0.72) {
      c.doc.getMap(`evil-${int(3)}`).set('k', step)
    } else if (r < 0.75) {
      // Select all, delete: every unlocked shape in one transaction.
      Y.transact(c.doc, () => {
        for (const shape of shapes) {
          if (shape.isLocked) continue
          log.deleteAttempts.add(`${shape.id}|${c.identity.id}`)
          records.delete(shape.id)
        }
      })
    } else if (r < 0.8) {
      const id = newId()
      log.createdBy.set(id, c.identity.id)
      records.set(id, { ...note(id), type: 'frame', props: { w: 300, h: 200, name: 'Cadre', color: 'black' } })
    } else if (r < 0.88) {
      const toggled = pick(everyone.slice(1))!
      if (toggled.provider.shouldConnect) toggled.provider.disconnect()
      else toggled.provider.connect()
    } else if (r < 0.91) {
      commands.push(facCommands.ok({ type: 'board.setMode', mode: pick(EDITING_MODES)! }))
    } else if (r < 0.93) {
      const target = pick([...getRecordsMap(facilitator.doc).values()].filter((x) => x?.typeName === 'shape' && log.createdBy.has(x.id)))
      if (target) {
        log.lockedByFacilitator.add(target.id)
        commands.push(facCommands.send({ type: 'shape.lock', ids: [target.id], locked: true }))
      }
    } else {
      await sleep(int(3))
    }
  }
  await Promise.all(commands)

  for (const c of everyone) c.provider.connect()
  const room = await s.server.rooms.getRoom(board.id)
  await waitFor(
    () => everyone.every((c) => c.provider.synced && isDeepStrictEqual(state(c.doc), state(room.doc))),
    `seed ${seed}: every client, honest or not, to converge to the server`,
    20_000,
  )
  const final = state(room.doc)

  // The board obeys every rule.
  const finalRecords = final.records as Record<string, StoredRecord>
  for (const [id, record] of Object.entries(finalRecords)) {
    expect(recordProblem(id, record), `seed ${seed}: ${id} is well-formed`).toBeNull()
    for (const ref of referencesOf(record)) expect(finalRecords[ref.id], `seed ${seed}: ${id} points to ${ref.id}`).toBeDefined()
    if (record.typeName !== 'shape') continue
    const creator = log.createdBy.get(id)
    if (creator) expect(authorOf(record), `seed ${seed}: ${id} stamped with its creator`).toBe(creator)
    else expect([undefined, fac.identity.id], `seed ${seed}: ${id} was there before`).toContain(authorOf(record))
    if (record.isLocked) expect(initiallyLocked.some((l) => l.id === id) || log.lockedByFacilitator.has(id), `seed ${seed}: only the facilitator locked ${id}`).toBe(true)
  }
  for (const locked of initiallyLocked) expect(finalRecords[locked.id], `seed ${seed}: locked ${locked.id} untouched`).toEqual(locked)
  expect(finalRecords['shape:in-frame']).toEqual((initial.records as Record<string, StoredRecord>)['shape:in-frame'])
  for (const id of seenAtHonest) {
    if (id in finalRecords) continue
    const author = authorOf((initial.records as Record<string, StoredRecord>)[id]) ?? log.createdBy.get(id)
    expect(author !== undefined && log.deleteAttempts.has(`${id}|${author}`), `seed ${seed}: ${id} deleted only by its author`).toBe(true)
  }
  expect(final.meta).toEqual(initial.meta)
  expect(Object.keys(final.session).every((key) => key === BoardSessionKey.editing)).toBe(true)
  for (const [name, type] of honest.doc.share) if (!BOARD_ROOTS.has(name)) expect(liveContent(type as Y.AbstractType<unknown>), `seed ${seed}: nothing in ${name}`).toBe(0)

  // What is stored is the same board.
  const boardId = board.id
  const port = String(s.port)
  await s.stop()
  s = await startServer({ PORT: port }, dataDir)
  const fresh = open(lab.tokens.viewer)
  await waitSynced(fresh.provider)
  expect(state(fresh.doc)).toEqual(final)
  void boardId
}

describe('seeded authority fuzz: 5 modified clients, 500 random allowed and forbidden changes', () => {
  /** Seeds that once failed stay here as named regressions, with what they caught. */
  const REGRESSIONS: { seed: number; steps: number; caught: string }[] = [
    { seed: 17, steps: 500, caught: 'a note deleted by its author, moved meanwhile by someone offline, came back stamped as theirs' },
    { seed: 5, steps: 500, caught: 'same, through an online move racing the delete' },
  ]
  for (const { seed, steps, caught } of REGRESSIONS) it(`seed ${seed} (regression: ${caught})`, () => runAuthorityFuzz(seed, steps))

  // AUTHORITY_FUZZ_SEEDS=1,2,3 runs other seeds; a failing one is reported by number — add it above.
  const seeds = process.env.AUTHORITY_FUZZ_SEEDS?.split(',').map(Number) ?? [3, 42, 2026]
  it.each(seeds)('seed %i: every client converges to a board that obeys every rule', (seed) => runAuthorityFuzz(seed, 500))
})
