import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap } from '../../shared/boardDoc'
import { issueIdentity } from '../support/commands'
import { startInstances, type TestInstances } from '../support/instances'
import { connect, waitFor, waitSynced } from '../support/providers'
import { mulberry32 } from '../support/random'
import { note } from '../support/records'
import { requireServices } from '../support/services'
import { startOwnRedis } from '../support/redisServer'
import { createLabAndBoard } from '../support/testServer'

const up = await requireServices(['postgres', 'redis'], 'the tests of several instances')

/** A board's records as plain JSON, by id in order, for comparing documents. */
const recordsOf = (doc: Y.Doc) => Object.fromEntries(Object.entries(getRecordsMap(doc).toJSON()).sort(([a], [b]) => (a < b ? -1 : 1)))

describe.skipIf(!up)('three instances on PostgreSQL and Redis', () => {
  let cluster: TestInstances
  const cleanups: (() => void)[] = []

  beforeAll(async () => {
    cluster = await startInstances(3)
  })
  afterAll(async () => {
    for (const c of cleanups.splice(0)) c()
    await cluster?.stop()
  })

  /** A stock y-websocket client on instance `i` (with its own identity). */
  async function client(i: number, boardId: string, labId: string, token: string, name: string) {
    const instance = cluster.instances[i]!
    const { credential } = await issueIdentity(instance.url, labId, token, name)
    const c = connect(instance.wsUrl, boardId, token, new Y.Doc(), { identity: credential })
    cleanups.push(() => c.provider.destroy())
    await waitSynced(c.provider)
    return c
  }

  it('stock y-websocket clients spread over them converge on a board, and a newcomer on any instance loads it whole', async () => {
    const { lab, board } = await createLabAndBoard(cluster.instances[0]!.url)
    const clients = await Promise.all([0, 1, 2, 0, 1, 2].map((i, n) => client(i, board.id, lab.id, lab.tokens.participant, `P${n}`)))
    const random = mulberry32(7)
    // Bursts of notes and edits from everyone at once: each client only edits its own notes.
    for (let round = 0; round < 20; round++) {
      clients.forEach((c, n) => {
        const records = getRecordsMap(c.doc)
        if (round > 0 && random() < 0.4) {
          const id = `shape:n${n}-${Math.floor(random() * round)}`
          const existing = records.get(id)
          if (existing) records.set(id, { ...existing, x: Math.round(random() * 1000) })
        } else {
          records.set(`shape:n${n}-${round}`, note(`n${n}-${round}`, `note ${n}/${round} é`))
        }
      })
      await new Promise((r) => setTimeout(r, random() * 20))
    }
    const expected = 6 * 20
    await waitFor(() => clients.every((c) => Object.keys(recordsOf(c.doc)).filter((k) => k.startsWith('shape:n')).length >= expected - 6 * 8), 'most notes everywhere', 20_000)
    await waitFor(() => {
      const first = JSON.stringify(recordsOf(clients[0]!.doc))
      return clients.every((c) => JSON.stringify(recordsOf(c.doc)) === first)
    }, 'every client equal', 20_000)
    // Each instance's room holds the same board.
    for (const instance of cluster.instances) {
      const room = await instance.server.rooms.getRoom(board.id)
      expect(recordsOf(room.doc)).toEqual(recordsOf(clients[0]!.doc))
    }
    // A newcomer on each instance receives it whole.
    for (let i = 0; i < 3; i++) {
      const late = await client(i, board.id, lab.id, lab.tokens.viewer, `late${i}`)
      expect(recordsOf(late.doc)).toEqual(recordsOf(clients[0]!.doc))
    }
  })

  it('a burst stored as one row (two writes of one note) reaches clients on another instance with both writes, as it reached those of the writer’s instance', async () => {
    const { lab, board } = await createLabAndBoard(cluster.instances[0]!.url)
    const writer = await client(0, board.id, lab.id, lab.tokens.participant, 'W')
    const readers = await Promise.all([0, 1].map((i) => client(i, board.id, lab.id, lab.tokens.viewer, `R${i}`)))
    const received = readers.map((r) => {
      const bytes: Buffer[] = []
      r.provider.ws!.addEventListener('message', (event: MessageEvent) => bytes.push(Buffer.from(event.data as ArrayBuffer)))
      return bytes
    })
    // Two writes of the same note in one tick: stored together, as one row.
    getRecordsMap(writer.doc).set('shape:burst', note('burst', 'FIRST-WRITE-7731'))
    getRecordsMap(writer.doc).set('shape:burst', note('burst', 'SECOND-WRITE-7731'))
    await waitFor(() => readers.every((r) => getRecordsMap(r.doc).has('shape:burst')), 'the note on both readers')
    for (const bytes of received) {
      const all = Buffer.concat(bytes)
      expect(all.includes('SECOND-WRITE-7731')).toBe(true)
      expect(all.includes('FIRST-WRITE-7731')).toBe(true)
    }
  })

  it('presence crosses instances: a cursor on A is seen on B and C, and leaves everywhere when its client does', async () => {
    const { lab, board } = await createLabAndBoard(cluster.instances[0]!.url)
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => client(i, board.id, lab.id, lab.tokens.participant, `P${i}`)))
    a!.provider.awareness.setLocalState({ user: { name: 'Awa' }, cursor: { x: 10, y: 20 } })
    const sees = (who: typeof b, name: string) => [...who!.provider.awareness.getStates().values()].some((s) => (s as any).user?.name === name)
    await waitFor(() => sees(b, 'Awa') && sees(c, 'Awa'), 'Awa seen on B and C')
    // A newcomer on C, after the fact, gets it from C's own copy of the presence.
    const late = await client(2, board.id, lab.id, lab.tokens.viewer, 'late')
    await waitFor(() => sees(late, 'Awa'), 'Awa seen by a newcomer on C')
    a!.provider.destroy()
    await waitFor(() => !sees(b, 'Awa') && !sees(c, 'Awa') && !sees(late, 'Awa'), 'Awa gone everywhere')
  })
})

describe.skipIf(!up)('Redis restarted while clients edit', () => {
  it('boards converge while Redis is down (each instance reads what it missed from PostgreSQL) and after it is back', async () => {
    const redis = await startOwnRedis()
    const cluster = await startInstances(3, { redis: redis.url, env: { CLUSTER_POLL_MS: '300', CLUSTER_GAP_MS: '100' } })
    const providers: { destroy(): void }[] = []
    try {
      const { lab, board } = await createLabAndBoard(cluster.instances[0]!.url)
      const clients = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const instance = cluster.instances[i]!
          const { credential } = await issueIdentity(instance.url, lab.id, lab.tokens.participant, `P${i}`)
          const c = connect(instance.wsUrl, board.id, lab.tokens.participant, new Y.Doc(), { identity: credential })
          providers.push(c.provider)
          await waitSynced(c.provider)
          return c
        }),
      )
      const write = (phase: string, count: number) => {
        for (let k = 0; k < count; k++) clients.forEach((c, i) => getRecordsMap(c.doc).set(`shape:${phase}-${i}-${k}`, note(`${phase}-${i}-${k}`, `${phase} ${i} ${k}`)))
      }
      const converged = (what: string) =>
        waitFor(() => {
          const first = JSON.stringify(recordsOf(clients[0]!.doc))
          return clients.every((c) => JSON.stringify(recordsOf(c.doc)) === first)
        }, what, 20_000)
      write('before', 5)
      await converged('converged before the cut')
      await redis.kill()
      write('during', 5)
      await converged('converged while Redis is down')
      await redis.start()
      // Every instance's subscriber is back (it reconnects with a backoff of at most 2 s).
      await waitFor(() => cluster.instances.every((i) => (i.cluster as any).sub.status === 'ready'), 'subscribers back', 20_000)
      write('after', 5)
      await converged('converged after Redis is back')
      expect(Object.keys(recordsOf(clients[0]!.doc)).filter((k) => k.startsWith('shape:')).length).toBe(3 * 15)
    } finally {
      for (const p of providers) p.destroy()
      await cluster.stop()
      await redis.kill()
    }
  }, 90_000)
})

describe.skipIf(!up)('compaction with several writers', () => {
  it('two instances compacting one board often while their clients write lose nothing: PostgreSQL holds every note, in few rows', async () => {
    const cluster = await startInstances(2, { env: { COMPACT_AFTER_UPDATES: '5' } })
    const providers: { destroy(): void }[] = []
    try {
      const { lab, board } = await createLabAndBoard(cluster.instances[0]!.url)
      const clients = await Promise.all(
        [0, 1, 0, 1].map(async (i, n) => {
          const instance = cluster.instances[i]!
          const { credential } = await issueIdentity(instance.url, lab.id, lab.tokens.participant, `W${n}`)
          const c = connect(instance.wsUrl, board.id, lab.tokens.participant, new Y.Doc(), { identity: credential })
          providers.push(c.provider)
          await waitSynced(c.provider)
          return c
        }),
      )
      // 4 writers × 60 notes, a few milliseconds apart: each instance compacts every 5 rows of its own.
      for (let k = 0; k < 60; k++) {
        clients.forEach((c, n) => getRecordsMap(c.doc).set(`shape:w${n}-${k}`, note(`w${n}-${k}`, `${n}/${k}`)))
        await new Promise((r) => setTimeout(r, 3))
      }
      const expected = 4 * 60
      const written = (doc: Y.Doc) => [...getRecordsMap(doc).keys()].filter((k) => k.startsWith('shape:w')).length
      await waitFor(() => clients.every((c) => written(c.doc) === expected), 'every note on every client', 20_000)
      for (const instance of cluster.instances) {
        const room = await instance.server.rooms.getRoom(board.id)
        await room.settle()
      }
      // What PostgreSQL holds, read by a fresh storage: every note, and far fewer rows than writes.
      const stored = await cluster.instances[0]!.server.storage.loadUpdates(board.id)
      const replayed = new Y.Doc()
      for (const u of stored.updates) Y.applyUpdate(replayed, u)
      expect(written(replayed)).toBe(expected)
      expect(stored.updates.length).toBeLessThan(60)
    } finally {
      for (const p of providers) p.destroy()
      await cluster.stop()
    }
  }, 90_000)
})

describe.skipIf(!up)('several instances on one PostgreSQL without Redis (a mistake the logs warn about)', () => {
  it('compaction never drops a row another instance wrote, and edits still reach everyone through storage', async () => {
    const cluster = await startInstances(2, { withoutRedis: true, env: { COMPACT_AFTER_UPDATES: '2', CLUSTER_POLL_MS: '200', CLUSTER_GAP_MS: '50' } })
    const providers: { destroy(): void }[] = []
    try {
      const { lab, board } = await createLabAndBoard(cluster.instances[0]!.url)
      const [onA, onB] = await Promise.all(
        [0, 1].map(async (i) => {
          const c = connect(cluster.instances[i]!.wsUrl, board.id, lab.tokens.participant, new Y.Doc())
          providers.push(c.provider)
          await waitSynced(c.provider)
          return c
        }),
      )
      getRecordsMap(onB!.doc).set('shape:fromB', note('fromB', 'écrit sur B'))
      await waitFor(async () => (await cluster.instances[1]!.server.storage.loadUpdates(board.id)).updates.some((u) => Buffer.from(u).includes('fromB')), 'B’s note stored')
      // A writes enough to compact several times, before it could have read B's row.
      for (let k = 0; k < 6; k++) getRecordsMap(onA!.doc).set(`shape:a${k}`, note(`a${k}`, `a${k}`))
      await waitFor(() => getRecordsMap(onA!.doc).has('shape:fromB') && getRecordsMap(onB!.doc).has('shape:a5'), 'each sees the other’s notes (through storage)', 10_000)
      for (const instance of cluster.instances) await (await instance.server.rooms.getRoom(board.id)).settle()
      const stored = await cluster.instances[0]!.server.storage.loadUpdates(board.id)
      const replayed = new Y.Doc()
      for (const u of stored.updates) Y.applyUpdate(replayed, u)
      expect([...getRecordsMap(replayed).keys()].filter((k) => k.startsWith('shape:')).sort()).toEqual(['shape:a0', 'shape:a1', 'shape:a2', 'shape:a3', 'shape:a4', 'shape:a5', 'shape:fromB'])
    } finally {
      for (const p of providers) p.destroy()
      await cluster.stop()
    }
  }, 60_000)
})
