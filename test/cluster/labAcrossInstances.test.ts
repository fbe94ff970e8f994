import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Board, LabEvent } from '../../shared/lab'
import { CloseCode } from '../../shared/protocol'
import { startInstances, type TestInstances } from '../support/instances'
import { connect, waitFor, waitSynced } from '../support/providers'
import { requireServices } from '../support/services'
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
