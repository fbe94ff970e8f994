import net from 'node:net'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { getRecordsMap } from '../../shared/boardDoc'
import { PostgresStorage } from '../../server/persistence/PostgresStorage'
import { issueIdentity } from '../support/commands'
import { freshPostgresSchema } from '../support/instances'
import { startInstanceProcess, startInstanceProcesses, type InstanceProcess } from '../support/instanceProcesses'
import { startLoadBalancer, type LoadBalancer } from '../support/loadBalancer'
import { connect, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { freeTcpPort } from '../support/redisServer'
import { postgresUrl, requireServices } from '../support/services'
import { createLabAndBoard } from '../support/testServer'

/**
 * Losing an instance: Fabrique instances as real processes (`node --import tsx server/main.ts`)
 * on one PostgreSQL schema and the machine's Redis, behind a real TCP load balancer, with stock
 * y-websocket clients; one instance is killed with SIGKILL. Boards have random ids, so these
 * instances (whose Redis channels are `fabrique:board:<id>`) never hear another test's.
 */

const up = await requireServices(['postgres', 'redis'], 'the tests of losing an instance')

/** A board's records as plain JSON, by id in order, for comparing documents. */
const recordsOf = (doc: Y.Doc) => Object.fromEntries(Object.entries(getRecordsMap(doc).toJSON()).sort(([a], [b]) => (a < b ? -1 : 1)))
const canonical = (doc: Y.Doc) => JSON.stringify(recordsOf(doc))

/** Waits, checking every `everyMs` (comparing whole boards is not free). */
async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 200): Promise<void> {
  const started = Date.now()
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** The board as PostgreSQL holds it: every row of its log applied to a new document. */
async function boardInPostgres(schema: string, boardId: string): Promise<Y.Doc> {
  const storage = await PostgresStorage.open(postgresUrl(), { schema, maxConnections: 1, applicationName: 'fabrique-test-reader' })
  try {
    const { updates } = await storage.loadUpdates(boardId)
    const doc = new Y.Doc()
    for (const update of updates) Y.applyUpdate(doc, update)
    return doc
  } finally {
    await storage.close()
  }
}

/** The port a provider's socket has on the client side (how the load balancer tells it apart). */
const clientPortOf = (provider: WebsocketProvider): number | undefined => (provider.ws as unknown as { _socket?: net.Socket } | null)?._socket?.localPort

describe('the test load balancer', () => {
  const servers: net.Server[] = []
  afterAll(() => servers.forEach((s) => s.close()))

  /** A backend that says its name to each connection, and the connections it holds. */
  async function namedBackend(name: string): Promise<{ port: number; sockets: Set<net.Socket> }> {
    const sockets = new Set<net.Socket>()
    const server = net.createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.write(name)
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    return { port: (server.address() as net.AddressInfo).port, sockets }
  }

  /** Connects through the balancer: the first bytes received, or `closed`. */
  function firstWords(port: number): Promise<{ words: string; socket: net.Socket }> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port })
      socket.once('data', (d) => resolve({ words: d.toString(), socket }))
      socket.once('close', () => resolve({ words: 'closed', socket }))
      socket.on('error', () => {})
    })
  }

  it('sends each connection to the next backend, skips one that refuses, closes when none answers', async () => {
    const a = await namedBackend('A')
    const b = await namedBackend('B')
    const dead = await freeTcpPort()
    const lb = await startLoadBalancer([a.port, dead, b.port])
    try {
      const got: string[] = []
      const sockets: net.Socket[] = []
      for (let i = 0; i < 4; i++) {
        const { words, socket } = await firstWords(lb.port)
        got.push(words)
        sockets.push(socket)
      }
      // A, then the dead one's turn goes to B, then B, then A again.
      expect(got).toEqual(['A', 'B', 'B', 'A'])
      expect(lb.connections().map((c) => c.backend).sort()).toEqual([a.port, a.port, b.port, b.port].sort())
      // A backend that drops its connections: their clients see them close.
      const closed = new Promise((resolve) => sockets[0]!.once('close', resolve))
      for (const s of a.sockets) s.destroy()
      await closed
      lb.setBackends([dead])
      expect((await firstWords(lb.port)).words).toBe('closed')
      expect(lb.refused).toBe(1)
      for (const s of sockets) s.destroy()
    } finally {
      await lb.close()
    }
  })
})

describe.skipIf(!up)('losing an instance (processes behind a load balancer)', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  /** A fresh schema, `n` instance processes on it, a load balancer in front. */
  async function cluster(n: number): Promise<{ schema: string; instances: InstanceProcess[]; lb: LoadBalancer }> {
    const { schema, drop } = await freshPostgresSchema()
    cleanups.push(drop)
    const instances = await startInstanceProcesses(n, { schema })
    cleanups.push(() => Promise.all(instances.map((i) => i.stop())))
    const lb = await startLoadBalancer(instances.map((i) => i.port))
    cleanups.push(() => lb.close())
    return { schema, instances, lb }
  }

  /** A stock y-websocket client through the load balancer, with an identity of its own. */
  async function client(lb: LoadBalancer, labId: string, boardId: string, token: string, name: string, identity?: string) {
    const credential = identity ?? (await issueIdentity(lb.url, labId, token, name)).credential
    const c = connect(lb.wsUrl, boardId, token, new Y.Doc(), { identity: credential, maxBackoffTime: 1000 })
    cleanups.push(() => c.provider.destroy())
    await waitSynced(c.provider)
    return c
  }

  const losses = [
    { how: 'kill -9', end: (i: InstanceProcess) => i.kill9(), ended: 'signal SIGKILL' },
    { how: 'SIGTERM (a rolling restart)', end: (i: InstanceProcess) => i.stop(), ended: 'exit code 0' },
  ]
  for (const { how, end, ended } of losses) {
    it(`${how} of an instance mid-burst loses nothing another client had seen; its clients reconnect through the load balancer and converge`, async () => {
      const startedAt = Date.now()
      const { schema, instances, lb } = await cluster(3)
      const startMs = Date.now() - startedAt
      const { lab, board } = await createLabAndBoard(lb.url)
      const token = lab.tokens.participant
      // Identities first, then the sockets one after the other, so that round-robin spreads
      // them: two on each instance.
      const identities: string[] = []
      for (let n = 0; n < 6; n++) identities.push((await issueIdentity(lb.url, lab.id, token, `P${n}`)).credential)
      const clients: Awaited<ReturnType<typeof client>>[] = []
      for (let n = 0; n < 6; n++) clients.push(await client(lb, lab.id, board.id, token, `P${n}`, identities[n]))
      const backendOf = (n: number) => lb.connections().find((c) => c.clientPort === clientPortOf(clients[n]!.provider))?.backend
      const placement = clients.map((_, n) => backendOf(n))
      expect(new Set(placement).size, `clients on ${placement.join(', ')}`).toBe(3)

      // What each client saw arrive from the others (never its own writes), and what it wrote.
      const seenFromOthers = clients.map(() => new Set<string>())
      clients.forEach((c, n) =>
        getRecordsMap(c.doc).observe((event) => {
          if (event.transaction.local) return
          for (const key of event.keysChanged) seenFromOthers[n]!.add(key)
        }),
      )
      const written = new Map<string, string>()
      const writtenAfterKill = new Set<string>()
      let killed = false
      const victim = instances.find((i) => i.port === placement[0])!
      const victimClients = clients.map((_, n) => n).filter((n) => placement[n] === victim.port)
      const survivors = instances.filter((i) => i !== victim)

      // The burst: every client writes a note of its own every 20 ms.
      const counters = clients.map(() => 0)
      const timers = clients.map((c, n) =>
        setInterval(() => {
          const k = counters[n]!++
          const id = `shape:c${n}-${k}`
          const text = `client ${n}, note ${k}`
          written.set(id, text)
          if (killed && victimClients.includes(n)) writtenAfterKill.add(id)
          getRecordsMap(c.doc).set(id, note(id, text))
        }, 20),
      )
      const stopBurst = () => timers.forEach((t) => clearInterval(t))
      cleanups.push(stopBurst)

      // Mid-burst: once the others have seen a good part of it (at least 1.5 s in).
      const seenCount = () => new Set(seenFromOthers.flatMap((s) => [...s])).size
      await new Promise((r) => setTimeout(r, 1500))
      await waitUntil(() => seenCount() >= 150, 'the others to see 150 notes', 30_000, 50)
      // No new connection is let through until PostgreSQL has been read: the victim's clients
      // cannot resend anything before it.
      lb.setBackends([])
      expect(await end(victim)).toBe(ended)
      killed = true
      const seenAtKill = new Set(seenFromOthers.flatMap((s) => [...s]))
      const inPostgres = new Set(Object.keys(recordsOf(await boardInPostgres(schema, board.id))))
      const missingFromPostgres = [...seenAtKill].filter((id) => !inPostgres.has(id))
      expect(missingFromPostgres, 'notes seen by another client but not in PostgreSQL at the kill').toEqual([])
      expect(seenAtKill.size).toBeGreaterThanOrEqual(150)

      // The victim's clients come back through the load balancer, on the survivors.
      lb.setBackends(survivors.map((i) => i.port))
      const reopenedAt = Date.now()
      let reconnectMs = -1
      void waitUntil(() => victimClients.every((n) => clients[n]!.provider.synced), 'reconnected', 20_000, 20).then(
        () => (reconnectMs = Date.now() - reopenedAt),
        () => {},
      )
      // The burst goes on a while: the victim's clients keep writing, reconnected or not.
      await new Promise((r) => setTimeout(r, 1500))
      await waitUntil(() => writtenAfterKill.size >= 40, "the victim's clients to write 40 notes after the kill", 30_000, 50)
      stopBurst()
      await waitUntil(() => victimClients.every((n) => clients[n]!.provider.synced), "the victim's clients synced again", 20_000, 50)
      const stoppedAt = Date.now()
      for (const n of victimClients) expect(survivors.map((i) => i.port)).toContain(backendOf(n))

      await waitUntil(
        () => {
          const sizes = clients.map((c) => getRecordsMap(c.doc).size)
          if (sizes.some((s) => s !== sizes[0])) return false
          const first = canonical(clients[0]!.doc)
          return clients.every((c) => canonical(c.doc) === first)
        },
        'every client equal',
        30_000,
      )
      const convergeMs = Date.now() - stoppedAt
      const final = recordsOf(clients[0]!.doc)
      const finalIds = new Set(Object.keys(final).filter((id) => id.startsWith('shape:')))
      const everSeen = new Set(seenFromOthers.flatMap((s) => [...s]))
      expect([...everSeen].filter((id) => !finalIds.has(id)), 'notes some client saw, missing at the end').toEqual([])
      expect([...written.keys()].filter((id) => !finalIds.has(id)), 'notes written, missing at the end').toEqual([])
      expect([...writtenAfterKill].filter((id) => !finalIds.has(id)), "the victim's clients' notes written after the kill, missing").toEqual([])
      // Each note once, as its writer wrote it, and nothing else.
      expect([...finalIds].sort()).toEqual([...written.keys()].sort())
      for (const [id, text] of written) expect(textOf(final[id]), id).toBe(text)

      // PostgreSQL holds it all, and a newcomer through the load balancer gets it.
      expect(recordsOf(await boardInPostgres(schema, board.id))).toEqual(final)
      const late = await client(lb, lab.id, board.id, lab.tokens.viewer, 'late')
      expect(recordsOf(late.doc)).toEqual(final)
      console.info(
        `${how}: ${written.size} notes by 6 clients over 3 instances; ${seenAtKill.size} seen by another client at the kill, all in PostgreSQL; ` +
          `${writtenAfterKill.size} written by the victim's ${victimClients.length} clients after it, all kept; ` +
          `3 processes started in ${startMs} ms, the victim's clients synced again ${reconnectMs} ms after the balancer let them, all equal ${convergeMs} ms after the burst`,
      )
    }, 120_000)
  }

  it('kill -9 with no burst, then a new process on the same schema: the board is intact', async () => {
    const { schema, instances, lb } = await cluster(1)
    const { lab, board } = await createLabAndBoard(lb.url)
    const writer = await client(lb, lab.id, board.id, lab.tokens.participant, 'writer')
    const reader = await client(lb, lab.id, board.id, lab.tokens.participant, 'reader')
    for (let k = 0; k < 50; k++) getRecordsMap(writer.doc).set(`shape:w-${k}`, note(`w-${k}`, `note ${k}`))
    const notes = (doc: Y.Doc) => [...getRecordsMap(doc).keys()].filter((id) => id.startsWith('shape:'))
    await waitUntil(() => notes(reader.doc).length === 50, 'the reader has every note', 20_000, 20)
    const before = recordsOf(reader.doc)

    expect(await instances[0]!.kill9()).toBe('signal SIGKILL')
    // Written while no instance runs: kept by the writer, sent once it is back.
    getRecordsMap(writer.doc).set('shape:while-down', note('while-down', 'written while down'))
    const next = await startInstanceProcess({ schema })
    cleanups.push(() => next.stop())
    // A newcomer straight on the new process first: what PostgreSQL kept, nothing more.
    const { credential } = await issueIdentity(next.url, lab.id, lab.tokens.viewer, 'newcomer')
    const newcomer = connect(next.wsUrl, board.id, lab.tokens.viewer, new Y.Doc(), { identity: credential })
    cleanups.push(() => newcomer.provider.destroy())
    await waitSynced(newcomer.provider)
    expect(recordsOf(newcomer.doc)).toEqual(before)

    // The old clients come back through the load balancer, and the note written while down too.
    lb.setBackends([next.port])
    await waitUntil(() => [writer, reader, newcomer].every((c) => getRecordsMap(c.doc).has('shape:while-down')), 'the note written while down everywhere', 20_000, 50)
    await waitUntil(() => canonical(writer.doc) === canonical(reader.doc) && canonical(reader.doc) === canonical(newcomer.doc), 'all three equal', 10_000)
    expect(notes(reader.doc).sort()).toEqual([...notes(writer.doc)].sort())
    expect(Object.keys(recordsOf(reader.doc)).sort()).toEqual([...Object.keys(before), 'shape:while-down'].sort())
    expect(recordsOf(await boardInPostgres(schema, board.id))).toEqual(recordsOf(reader.doc))
  }, 60_000)
})
