import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ClusterPresence } from '../../server/cluster/ClusterPresence'
import { RedisCluster } from '../../server/cluster/RedisCluster'
import { createLogger } from '../../server/logger'
import type { ServerEvent } from '../../shared/commands'
import type { Board, LabEvent } from '../../shared/lab'
import { commandChannel, hello, issueIdentity } from '../support/commands'
import { CloseCode } from '../../shared/protocol'
import { startInstances, type TestInstances } from '../support/instances'
import { connect, waitFor, waitSynced } from '../support/providers'
import { redisUrl, requireServices } from '../support/services'
import { tryUpgrade } from '../support/upgrades'
import { api, createLabAndBoard } from '../support/testServer'

const up = await requireServices(['postgres', 'redis'], 'the tests of several instances')

/** A lab page's live stream on one instance: the events it received, and whether it ended. */
async function labPage(base: string, labId: string, token: string) {
  const controller = new AbortController()
  const res = await fetch(`${base}/api/labs/${labId}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
  expect(res.status).toBe(200)
  const events: LabEvent[] = []
  let ended = false
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let pending = ''
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        pending += decoder.decode(value, { stream: true })
        let end: number
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const data = pending.slice(0, end).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))
          pending = pending.slice(end + 2)
          if (data.length > 0) events.push(JSON.parse(data.join('\n')) as LabEvent)
        }
      }
    } catch {
      // aborted
    }
    ended = true
  })()
  return { events, ended: () => ended, close: () => controller.abort() }
}

/**
 * What is decided for a whole lab or board on one instance holds on all of them: a replaced
 * secret closes its connections and lab pages everywhere, a deleted board is closed everywhere,
 * lab pages on every instance hear of a new board, and a sync ticket works once in all.
 */
describe.skipIf(!up)('a lab across three instances', () => {
  let cluster: TestInstances
  const cleanups: (() => void)[] = []
  beforeAll(async () => {
    cluster = await startInstances(3)
  })
  afterAll(async () => {
    for (const c of cleanups.splice(0)) c()
    await cluster?.stop()
  })

  function client(i: number, boardId: string, token: string) {
    const c = connect(cluster.instances[i]!.wsUrl, boardId, token, new Y.Doc())
    cleanups.push(() => c.provider.destroy())
    const closes: number[] = []
    c.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code))
    return { ...c, closes }
  }

  it('a participant link replaced on A closes its connections on B and C (4401) and ends its lab pages there; facilitators stay', async () => {
    const [a, b, c] = cluster.instances
    const { lab, board } = await createLabAndBoard(a!.url)
    const onB = client(1, board.id, lab.tokens.participant)
    const onC = client(2, board.id, lab.tokens.participant)
    const facilitatorOnC = client(2, board.id, lab.tokens.facilitator)
    await Promise.all([onB, onC, facilitatorOnC].map((x) => waitSynced(x.provider)))
    const pageOnB = await labPage(b!.url, lab.id, lab.tokens.participant)
    cleanups.push(pageOnB.close)
    await waitFor(() => pageOnB.events.some((e) => e.type === 'snapshot'), 'the page’s snapshot')
    const rotated = await api(a!.url, 'POST', `/api/labs/${lab.id}/tokens/participant/rotate`, {}, lab.tokens.facilitator)
    expect(rotated.status).toBe(201)
    await waitFor(() => onB.closes.includes(CloseCode.secretRotated) && onC.closes.includes(CloseCode.secretRotated), 'participants closed on B and C')
    await waitFor(() => pageOnB.events.some((e) => e.type === 'revoked') && pageOnB.ended(), 'the participant’s lab page on B revoked')
    expect(facilitatorOnC.closes).toEqual([])
    expect(facilitatorOnC.provider.wsconnected).toBe(true)
    // The old secret opens nothing on any instance; the new one does.
    expect((await tryUpgrade(`${c!.wsUrl}/${board.id}?token=${lab.tokens.participant}`)).status).toBe(403)
    const fresh = client(2, board.id, rotated.body.token)
    await waitSynced(fresh.provider)
  })

  it('a board deleted on A closes its connections on B and C (4404); lab pages on B hear it; joining it anywhere is refused', async () => {
    const [a, b, c] = cluster.instances
    const { lab, board } = await createLabAndBoard(a!.url)
    const onB = client(1, board.id, lab.tokens.participant)
    const onC = client(2, board.id, lab.tokens.facilitator)
    await Promise.all([onB, onC].map((x) => waitSynced(x.provider)))
    const pageOnB = await labPage(b!.url, lab.id, lab.tokens.viewer)
    cleanups.push(pageOnB.close)
    await waitFor(() => pageOnB.events.some((e) => e.type === 'snapshot'), 'the page’s snapshot')
    expect((await api(a!.url, 'DELETE', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)).status).toBe(200)
    await waitFor(() => onB.closes.includes(CloseCode.boardGone) && onC.closes.includes(CloseCode.boardGone), 'closed on B and C')
    await waitFor(() => pageOnB.events.some((e) => e.type === 'boardRemoved' && e.boardId === board.id), 'the page on B told')
    for (const instance of [b!, c!]) {
      await waitFor(() => !instance.server.rooms.loadedBoardIds.includes(board.id), 'the board out of memory')
      expect((await tryUpgrade(`${instance.wsUrl}/${board.id}?token=${lab.tokens.facilitator}`)).status).toBe(404)
    }
  })

  it('a board created through A appears live on a lab page open on C', async () => {
    const [a, , c] = cluster.instances
    const { lab } = await createLabAndBoard(a!.url)
    const pageOnC = await labPage(c!.url, lab.id, lab.tokens.participant)
    cleanups.push(pageOnC.close)
    await waitFor(() => pageOnC.events.some((e) => e.type === 'snapshot'), 'the page’s snapshot')
    const created = await api<Board>(a!.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'Nouvelle idée' }, lab.tokens.facilitator)
    await waitFor(() => pageOnC.events.some((e) => e.type === 'board' && e.board.id === created.body.id && e.board.title === 'Nouvelle idée'), 'the new board on C')
  })

  it('a sync ticket issued by A opens the board once, whichever instance it is presented to', async () => {
    const [a, b, c] = cluster.instances
    const { lab, board } = await createLabAndBoard(a!.url)
    const { body } = await api<{ ticket: string }>(a!.url, 'POST', `/api/boards/${board.id}/tickets`, {}, lab.tokens.participant)
    const sockets: WebSocket[] = []
    cleanups.push(() => sockets.forEach((s) => s.terminate()))
    const first = await tryUpgrade(`${b!.wsUrl}/${board.id}?ticket=${encodeURIComponent(body.ticket)}`, sockets)
    expect(first.status).toBe(101)
    const again = await tryUpgrade(`${c!.wsUrl}/${board.id}?ticket=${encodeURIComponent(body.ticket)}`, sockets)
    expect(again.status).toBe(401)
    expect((again as { body: { code: string } }).body.code).toBe('ticket.invalid')
  })
})

describe.skipIf(!up)('who is on a board, across instances', () => {
  let cluster: TestInstances
  const cleanups: (() => void)[] = []
  beforeAll(async () => {
    cluster = await startInstances(3)
  })
  afterAll(async () => {
    for (const c of cleanups.splice(0)) c()
    await cluster?.stop()
  })

  it('a facilitator on A sees the people on B and C; a lab page on C shows them all; they go when they leave', async () => {
    const [a, b, c] = cluster.instances
    const { lab, board } = await createLabAndBoard(a!.url)
    const fac = await issueIdentity(a!.url, lab.id, lab.tokens.facilitator, 'Fatou')
    const awa = await issueIdentity(a!.url, lab.id, lab.tokens.participant, 'Awa')
    const page = await labPage(c!.url, lab.id, lab.tokens.viewer)
    cleanups.push(page.close)
    const facilitator = connect(a!.wsUrl, board.id, lab.tokens.facilitator, new Y.Doc(), { identity: fac.credential })
    cleanups.push(() => facilitator.provider.destroy())
    const commands = commandChannel(facilitator.provider)
    await waitSynced(facilitator.provider)
    await hello(commands)
    // Awa on B, and on C from her phone.
    const laptop = connect(b!.wsUrl, board.id, lab.tokens.participant, new Y.Doc(), { identity: awa.credential })
    const phone = connect(c!.wsUrl, board.id, lab.tokens.participant, new Y.Doc(), { identity: awa.credential })
    cleanups.push(() => laptop.provider.destroy(), () => phone.provider.destroy())
    await Promise.all([laptop, phone].map((x) => waitSynced(x.provider)))
    const lastPeople = () => commands.events.filter((e) => e.type === 'people').at(-1) as Extract<ServerEvent, { type: 'people' }> | undefined
    await waitFor(() => lastPeople()?.people.some((p) => p.name === 'Awa' && p.connections === 2) === true, 'Awa with two connections in the facilitator’s list on A')
    const lastPresence = () => page.events.filter((e): e is Extract<LabEvent, { type: 'presence' }> => e.type === 'presence' && e.boardId === board.id).at(-1)
    await waitFor(() => {
      const people = lastPresence()?.people ?? []
      return people.some((p) => p.name === 'Awa' && p.connections === 2) && people.some((p) => p.name === 'Fatou')
    }, 'Awa and Fatou on the lab page on C')
    // A lab page opened afterwards on B gets them in its snapshot.
    const later = await labPage(b!.url, lab.id, lab.tokens.viewer)
    cleanups.push(later.close)
    await waitFor(() => later.events.some((e) => e.type === 'snapshot'), 'the snapshot')
    const snapshot = later.events.find((e): e is Extract<LabEvent, { type: 'snapshot' }> => e.type === 'snapshot')!
    expect(snapshot.presence[board.id]?.map((p) => `${p.name}×${p.connections}`).sort()).toEqual(['Awa×2', 'Fatou×1'])
    laptop.provider.destroy()
    phone.provider.destroy()
    await waitFor(() => lastPeople()?.people.every((p) => p.name !== 'Awa') === true, 'Awa gone from the facilitator’s list')
    await waitFor(() => lastPresence()?.people.every((p) => p.name !== 'Awa') === true, 'Awa gone from the lab page')
  })

  it('an instance that dies without a word: its people fade from the others once its share is not renewed', async () => {
    const make = (id: string) => new RedisCluster({ url: redisUrl(), logger: createLogger('silent'), prefix: `${cluster.prefix}fade:`, instanceId: id })
    const [x, y] = [make('x'), make('y')]
    await Promise.all([x.ready(), y.ready()])
    const timing = { renewMs: 100, expireMs: 400 }
    const onX = new ClusterPresence(x, timing)
    const onY = new ClusterPresence(y, timing)
    const changes: string[] = []
    onY.onChange((_lab, boardId) => changes.push(boardId))
    try {
      await new Promise((r) => setTimeout(r, 100))
      onX.share('lab-1', 'board-1', [{ identityId: 'i1', name: 'Awa', color: '#f00', role: 'participant', connections: 1 }])
      await waitFor(() => onY.others('board-1').length === 1, 'X’s share seen on Y')
      expect(onY.boardsOf('lab-1')).toEqual(['board-1'])
      // Renewed: still there after longer than it lasts unrenewed.
      await new Promise((r) => setTimeout(r, 600))
      expect(onY.others('board-1')).toHaveLength(1)
      // X dies: its link to Redis goes first, so no goodbye and no renewal reach Y.
      await x.close()
      onX.close()
      await waitFor(() => onY.others('board-1').length === 0, 'X’s share faded on Y', 5000)
      await waitFor(() => changes.length >= 2, 'Y told of the fade')
    } finally {
      onY.close()
      await y.close()
    }
  })
})
