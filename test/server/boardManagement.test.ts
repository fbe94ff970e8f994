import path from 'node:path'
import BetterSqlite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { recordProblem, referencesOf } from '../../shared/authority/records'
import { boardAssetPrefix } from '../../shared/assets'
import { BoardMetaKey, getMetaMap, getRecordsMap, getSessionMap, type StoredRecord } from '../../shared/boardDoc'
import type { Board, CreatedLab, LabBin, LabEvent, LabView } from '../../shared/lab'
import { CloseCode } from '../../shared/protocol'
import { note, textOf } from '../support/records'
import { waitFor, waitSynced } from '../support/providers'
import { api, createLabAndBoard, type TestServer } from '../support/testServer'
import { useTestResources } from '../support/testResources'
import { openSocket, tryUpgrade } from '../support/upgrades'

const { server, restart, client, sockets, onCleanup } = useTestResources()

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

async function upload(s: TestServer, boardId: string, token: string): Promise<{ id: string; src: string }> {
  const res = await fetch(`${s.url}/api/boards/${boardId}/assets`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` }, body: PNG })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; src: string }
}

/** An image on the board as the canvas writes it: its asset record and its shape. */
function imageRecords(image: { id: string; src: string }): StoredRecord[] {
  return [
    { id: `asset:${image.id}`, typeName: 'asset', type: 'image', meta: {}, props: { name: 'photo.png', src: image.src, w: 1, h: 1, mimeType: 'image/png', isAnimated: false, fileSize: PNG.length } },
    {
      id: `shape:img-${image.id}`,
      typeName: 'shape',
      type: 'image',
      parentId: 'page:page',
      index: 'a9',
      x: 400,
      y: 40,
      rotation: 0,
      isLocked: false,
      opacity: 1,
      meta: {},
      props: { w: 120, h: 120, playing: true, url: '', assetId: `asset:${image.id}`, crop: null, flipX: false, flipY: false, altText: '' },
    },
  ]
}

/** Writes records as the facilitator's stock client and waits until the server holds them. */
async function write(s: TestServer, board: Board, token: string, records: StoredRecord[]): Promise<ReturnType<typeof client>> {
  const c = client(s, board.id, token)
  await waitSynced(c.provider)
  c.doc.transact(() => {
    for (const r of records) getRecordsMap(c.doc).set(r.id, r)
  })
  const room = await s.server.rooms.getRoom(board.id)
  await waitFor(() => records.every((r) => getRecordsMap(room.doc).has(r.id)), 'the server to hold the records')
  return c
}

/** What a board holds, as a viewer's stock client receives it. */
async function readBoard(s: TestServer, boardId: string, token: string): Promise<Map<string, StoredRecord>> {
  const c = client(s, boardId, token)
  await waitSynced(c.provider)
  return new Map([...getRecordsMap(c.doc).entries()].map(([k, v]) => [k, structuredClone(v)]))
}

/** Rows of a board left in every table that has a `board_id` column, and its own row. */
function rowsOf(s: TestServer, boardId: string): Record<string, number> {
  const db = new BetterSqlite(path.join(s.dataDir, 'fabrique.db'), { readonly: true })
  try {
    const counts: Record<string, number> = {}
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]
    for (const { name } of tables) {
      const columns = (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name)
      const column = columns.includes('board_id') ? 'board_id' : name === 'boards' ? 'id' : null
      if (column) counts[name] = (db.prepare(`SELECT COUNT(*) AS n FROM ${name} WHERE ${column} = ?`).get(boardId) as { n: number }).n
    }
    return counts
  } finally {
    db.close()
  }
}

/** A lab page's live events, read as the browser does. */
async function listen(s: TestServer, labId: string, token: string) {
  const controller = new AbortController()
  onCleanup(() => controller.abort())
  const res = await fetch(`${s.url}/api/labs/${labId}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
  expect(res.status).toBe(200)
  const events: LabEvent[] = []
  void (async () => {
    const decoder = new TextDecoder()
    let pending = ''
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const data = pending.slice(0, end).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')
          pending = pending.slice(end + 2)
          if (data) events.push(JSON.parse(data) as LabEvent)
        }
      }
    } catch {
      // aborted
    }
  })()
  const next = async <T extends LabEvent['type']>(type: T, match: (e: Extract<LabEvent, { type: T }>) => boolean = () => true): Promise<Extract<LabEvent, { type: T }>> => {
    let found: LabEvent | undefined
    await waitFor(() => (found = events.find((e) => e.type === type && match(e as Extract<LabEvent, { type: T }>))) !== undefined, `a "${type}" event`)
    return found as Extract<LabEvent, { type: T }>
  }
  await next('snapshot')
  return { events, next }
}

const syncUrl = (s: TestServer, boardId: string, token: string) => `${s.wsUrl}/${boardId}?token=${token}`

async function otherLab(s: TestServer): Promise<CreatedLab> {
  return (await api<CreatedLab>(s.url, 'POST', '/api/labs', { title: 'Un autre labo' })).body
}

describe('board management is for facilitators only', () => {
  it('answers 403 role.facilitatorOnly to participants and viewers, 401 without a token, 403 token.wrongLab with another lab’s — and changes nothing', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Arbre à problèmes' })
    const binned = (await api<Board>(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'Dans la corbeille' }, lab.tokens.facilitator)).body
    expect((await api(s.url, 'DELETE', `/api/boards/${binned.id}`, undefined, lab.tokens.facilitator)).status).toBe(200)
    const stranger = await otherLab(s)
    const attempts: [string, string, unknown?][] = [
      ['PATCH', `/api/boards/${board.id}`, { title: 'Piraté' }],
      ['POST', `/api/boards/${board.id}/duplicate`, {}],
      ['DELETE', `/api/boards/${board.id}`],
      ['POST', `/api/boards/${binned.id}/restore`, {}],
      ['GET', `/api/labs/${lab.id}/bin`],
      ['DELETE', `/api/labs/${lab.id}/bin`],
    ]
    const who: [string, string | undefined, number, string][] = [
      ['participant', lab.tokens.participant, 403, 'role.facilitatorOnly'],
      ['viewer', lab.tokens.viewer, 403, 'role.facilitatorOnly'],
      ['nobody', undefined, 401, 'token.missing'],
      ['another lab’s facilitator', stranger.tokens.facilitator, 403, 'token.wrongLab'],
    ]
    for (const [method, pathname, body] of attempts) {
      for (const [name, token, status, code] of who) {
        const res = await api(s.url, method, pathname, body, token)
        // A board in the bin is not found, for anyone but the lab's facilitators.
        const hidden = pathname.includes(binned.id) && (name === 'participant' || name === 'viewer')
        expect([method, pathname, name, res.status, res.body.code]).toEqual([method, pathname, name, hidden ? 404 : status, hidden ? 'board.notFound' : code])
      }
    }
    const view = (await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body
    expect(view.boards).toEqual([board])
    expect((await api<LabBin>(s.url, 'GET', `/api/labs/${lab.id}/bin`, undefined, lab.tokens.facilitator)).body.boards.map((b) => b.id)).toEqual([binned.id])
  })

  it('answers 404 for unknown boards and labs', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    for (const [method, pathname] of [
      ['PATCH', '/api/boards/nosuchboard00'],
      ['POST', '/api/boards/nosuchboard00/duplicate'],
      ['DELETE', '/api/boards/nosuchboard00'],
      ['POST', '/api/boards/nosuchboard00/restore'],
    ] as const) {
      const res = await api(s.url, method, pathname, method === 'DELETE' ? undefined : {}, lab.tokens.facilitator)
      expect([pathname, res.status, res.body.code]).toEqual([pathname, 404, 'board.notFound'])
    }
    expect((await api(s.url, 'GET', '/api/labs/nosuchlab0000/bin', undefined, lab.tokens.facilitator)).body.code).toBe('lab.notFound')
  })
})

describe('PATCH /api/boards/:boardId', () => {
  it('renames, moves to another phase, archives and unarchives; the lab lists archived boards flagged; open lab pages see each change', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Carte' })
    const page = await listen(s, lab.id, lab.tokens.participant)
    const renamed = await api<Board>(s.url, 'PATCH', `/api/boards/${board.id}`, { title: '  Carte des acteurs  ' }, lab.tokens.facilitator)
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ id: board.id, title: 'Carte des acteurs', phase: 'detection', archived: false, deletedAt: null })
    expect(renamed.body.updatedAt >= board.updatedAt).toBe(true)
    expect((await page.next('board', (e) => e.board.title === 'Carte des acteurs')).board).toEqual(renamed.body)

    const moved = await api<Board>(s.url, 'PATCH', `/api/boards/${board.id}`, { phase: 'experimentation', archived: true }, lab.tokens.facilitator)
    expect(moved.body).toMatchObject({ title: 'Carte des acteurs', phase: 'experimentation', archived: true })
    expect((await page.next('board', (e) => e.board.archived)).board).toEqual(moved.body)
    const view = (await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.viewer)).body
    expect(view.boards).toEqual([moved.body])
    // Archived is out of the journey, not closed: its members still open it.
    expect((await api(s.url, 'GET', `/api/boards/${board.id}`, undefined, lab.tokens.participant)).status).toBe(200)

    const back = await api<Board>(s.url, 'PATCH', `/api/boards/${board.id}`, { archived: false }, lab.tokens.facilitator)
    expect(back.body.archived).toBe(false)
    expect((await api<Board>(s.url, 'GET', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)).body).toMatchObject({ board: back.body })
  })

  it('refuses what is not a valid change with 400 input.invalid, and changes nothing', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Carte' })
    for (const body of [{}, { title: '' }, { title: 'x'.repeat(121) }, { title: 'a\u0007b' }, { phase: 'later' }, { archived: 'yes' }, { template: 'empathy-map' }, [1]]) {
      const res = await api(s.url, 'PATCH', `/api/boards/${board.id}`, body, lab.tokens.facilitator)
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([JSON.stringify(body), 400, 'input.invalid'])
    }
    expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body.boards).toEqual([board])
  })
})

describe('DELETE /api/boards/:boardId (to the lab’s bin)', () => {
  it('closes its open connections with 4404, refuses reconnections, tickets, images and the API as not found, and hides it from the lab', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Atelier du 12 mars' })
    const image = await upload(s, board.id, lab.tokens.facilitator)
    await write(s, board, lab.tokens.facilitator, [note('idee', 'Une navette solidaire'), ...imageRecords(image)])
    const participant = await openSocket(syncUrl(s, board.id, lab.tokens.participant), sockets)
    const facilitator = await openSocket(syncUrl(s, board.id, lab.tokens.facilitator), sockets)
    const page = await listen(s, lab.id, lab.tokens.participant)
    const facilitatorPage = await listen(s, lab.id, lab.tokens.facilitator)

    const res = await api<Board>(s.url, 'DELETE', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: board.id, title: 'Atelier du 12 mars' })
    expect(Date.parse(res.body.deletedAt!)).not.toBeNaN()
    expect((await participant.closed).code).toBe(CloseCode.boardGone)
    expect((await facilitator.closed).code).toBe(CloseCode.boardGone)
    // Out of memory at once: nothing more is written for it.
    expect(s.server.rooms.loadedBoardIds).not.toContain(board.id)

    for (const token of [lab.tokens.participant, lab.tokens.viewer, lab.tokens.facilitator]) {
      const again = await tryUpgrade(syncUrl(s, board.id, token), sockets)
      expect([again.status, (again as { body?: { code?: string } }).body?.code]).toEqual([404, 'board.notFound'])
      expect((await api(s.url, 'POST', `/api/boards/${board.id}/tickets`, {}, token)).status).toBe(404)
      expect((await api(s.url, 'GET', `/api/boards/${board.id}`, undefined, token)).status).toBe(404)
      const img = await fetch(`${s.url}${image.src}`, { headers: { authorization: `Bearer ${token}` } })
      expect(img.status).toBe(404)
    }
    expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.participant)).body.boards).toEqual([])
    expect((await page.next('boardRemoved')).boardId).toBe(board.id)
    // Only facilitators' pages hear of the bin.
    expect((await facilitatorPage.next('bin', (e) => e.boards.length === 1)).boards[0]).toEqual(res.body)
    await facilitatorPage.next('boardRemoved')
    expect(page.events.some((e) => e.type === 'bin')).toBe(false)
    // A facilitator's new page gets the bin with its first event; a participant's does not.
    const later = await listen(s, lab.id, lab.tokens.facilitator)
    expect((later.events[0] as Extract<LabEvent, { type: 'snapshot' }>).bin?.map((b) => b.id)).toEqual([board.id])
    const laterParticipant = await listen(s, lab.id, lab.tokens.participant)
    expect((laterParticipant.events[0] as Extract<LabEvent, { type: 'snapshot' }>).bin).toBeUndefined()
  })

  it('refuses a socket that was let in just before the board was deleted once it reaches the room', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    // Hold the board's load: the upgrade is accepted (the board exists), its room is not ready yet.
    const loads: (() => void)[] = []
    const storage = s.server.storage
    const loadUpdates = storage.loadUpdates.bind(storage)
    storage.loadUpdates = (id) => new Promise((resolve) => loads.push(() => resolve(loadUpdates(id))))
    const socket = await openSocket(syncUrl(s, board.id, lab.tokens.participant), sockets)
    await waitFor(() => loads.length === 1, 'the board to be loading')
    const deleting = api(s.url, 'DELETE', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)
    await waitFor(async () => (await storage.getBoard(board.id)) === null, 'the board to be in the bin')
    storage.loadUpdates = loadUpdates
    for (const release of loads.splice(0)) release()
    expect((await socket.closed).code).toBe(CloseCode.boardGone)
    expect((await deleting).status).toBe(200)
  })

  it('restores a board from the bin whole: content, images, links; lab pages see it come back', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Atelier' })
    const image = await upload(s, board.id, lab.tokens.facilitator)
    await write(s, board, lab.tokens.facilitator, [note('idee', 'Une navette solidaire'), ...imageRecords(image)])
    const before = await readBoard(s, board.id, lab.tokens.viewer)
    await api(s.url, 'DELETE', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)
    const page = await listen(s, lab.id, lab.tokens.facilitator)
    expect((await api(s.url, 'POST', `/api/boards/${board.id}/restore`, {}, lab.tokens.participant)).status).toBe(404)

    const res = await api<Board>(s.url, 'POST', `/api/boards/${board.id}/restore`, {}, lab.tokens.facilitator)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: board.id, title: 'Atelier', deletedAt: null })
    expect((await page.next('board')).board).toEqual(res.body)
    expect((await page.next('bin', (e) => e.boards.length === 0)).boards).toEqual([])
    expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.participant)).body.boards).toEqual([res.body])
    expect(await readBoard(s, board.id, lab.tokens.participant)).toEqual(before)
    expect((await fetch(`${s.url}${image.src}`, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })).status).toBe(200)
    // Restoring what is not in the bin: said so.
    expect((await api(s.url, 'POST', `/api/boards/${board.id}/restore`, {}, lab.tokens.facilitator)).body.code).toBe('board.notFound')
    // Nothing else is done to a board in the bin: it is restored first.
    await api(s.url, 'DELETE', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)
    for (const [method, body] of [['PATCH', { title: 'x' }], ['POST', {}], ['DELETE', undefined]] as const) {
      const res = await api(s.url, method, method === 'POST' ? `/api/boards/${board.id}/duplicate` : `/api/boards/${board.id}`, body, lab.tokens.facilitator)
      expect([method, res.status, res.body.code]).toEqual([method, 404, 'board.notFound'])
    }
  })
})

describe('DELETE /api/labs/:labId/bin', () => {
  it('deletes the bin’s boards for good: nothing of them is left in any table; other boards are untouched', async () => {
    // Rooms leave memory soon after their last client: the deleted board's must not write anything once gone.
    const s = await server({ ROOM_IDLE_MS: '20' })
    const { lab, board } = await createLabAndBoard(s.url, { title: 'À jeter' })
    const kept = (await api<Board>(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'À garder' }, lab.tokens.facilitator)).body
    const writers: ReturnType<typeof client>[] = []
    for (const b of [board, kept]) {
      const image = await upload(s, b.id, lab.tokens.facilitator)
      writers.push(await write(s, b, lab.tokens.facilitator, [note(`n-${b.id}`, 'Une idée'), ...imageRecords(image)]))
      await s.server.storage.putBoardSecrets(b.id, [{ key: 'ballot/v1/someone', value: { dots: 2 } }])
      // The history's tables, written as the history does (a checkpoint, an entry of the board's bin).
      const db = new BetterSqlite(path.join(s.dataDir, 'fabrique.db'))
      db.pragma('busy_timeout = 5000')
      db.prepare("INSERT INTO checkpoints (board_id, id, kind, created_at, state, state_bytes) VALUES (?, 'cp00000001', 'named', '2026-03-12T18:00:00.000Z', x'00', 1)").run(b.id)
      db.prepare("INSERT INTO board_bin (board_id, record_id, batch, record, deleted_at) VALUES (?, 'shape:gone', 'batch0001', '{}', '2026-03-12T18:00:00.000Z')").run(b.id)
      db.close()
    }
    const keptRows = rowsOf(s, kept.id)
    // Something of it in every table that keeps something per board.
    expect(Object.entries(rowsOf(s, board.id)).filter(([, n]) => n === 0)).toEqual([])
    const del = await api(s.url, 'DELETE', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)
    expect(del.status).toBe(200)
    const page = await listen(s, lab.id, lab.tokens.facilitator)

    const res = await api(s.url, 'DELETE', `/api/labs/${lab.id}/bin`, undefined, lab.tokens.facilitator)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ deleted: [board.id] })
    // Its writer leaves (were it still connected); its room, were it still in memory, would leave it now.
    writers[0]!.provider.destroy()
    await waitFor(() => !s.server.rooms.loadedBoardIds.includes(board.id), 'the deleted board to be out of memory')
    expect(Object.entries(rowsOf(s, board.id)).filter(([, n]) => n > 0)).toEqual([])
    expect(rowsOf(s, kept.id)).toEqual(keptRows)
    expect((await page.next('bin', (e) => e.boards.length === 0)).boards).toEqual([])
    expect((await api<LabBin>(s.url, 'GET', `/api/labs/${lab.id}/bin`, undefined, lab.tokens.facilitator)).body.boards).toEqual([])
    expect((await api(s.url, 'POST', `/api/boards/${board.id}/restore`, {}, lab.tokens.facilitator)).status).toBe(404)
    // Still nothing after a restart (nothing was waiting to be written for it).
    const again = await restart(s)
    expect(Object.entries(rowsOf(again, board.id)).filter(([, n]) => n > 0)).toEqual([])
  })
})

describe('POST /api/boards/:boardId/duplicate', () => {
  /** A board's records as a client receives them, with asset addresses written relative to their board. */
  function portable(records: Map<string, StoredRecord>, boardId: string): Map<string, StoredRecord> {
    const prefix = boardAssetPrefix(boardId)
    return new Map(
      [...records].map(([id, r]) => {
        const props = r.props as Record<string, unknown> | undefined
        return [id, typeof props?.src === 'string' && props.src.startsWith(prefix) ? { ...r, props: { ...props, src: `<board>/${props.src.slice(prefix.length)}` } } : r]
      }),
    )
  }

  it('makes a board in the same lab equal to the original now (read from its room), that stands alone: its images are its own', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Iceberg', template: 'iceberg' })
    const image = await upload(s, board.id, lab.tokens.facilitator)
    // Written and not yet anywhere but in the room's memory and its log: the copy has it.
    await write(s, board, lab.tokens.facilitator, [note('idee', 'Une navette solidaire', { isLocked: true }), ...imageRecords(image)])
    const page = await listen(s, lab.id, lab.tokens.viewer)
    const res = await api<Board>(s.url, 'POST', `/api/boards/${board.id}/duplicate`, {}, lab.tokens.facilitator)
    expect(res.status).toBe(201)
    const copy = res.body
    expect(copy).toMatchObject({ labId: lab.id, title: 'Iceberg (copie)', phase: board.phase, template: 'iceberg', archived: false, deletedAt: null })
    expect(copy.id).not.toBe(board.id)
    expect((await page.next('board', (e) => e.board.id === copy.id)).board).toEqual(copy)

    const original = await readBoard(s, board.id, lab.tokens.viewer)
    const copied = await readBoard(s, copy.id, lab.tokens.viewer)
    expect(original.size).toBeGreaterThan(5)
    expect(portable(copied, copy.id)).toEqual(portable(original, board.id))
    const copiedAsset = copied.get(`asset:${image.id}`)!
    expect((copiedAsset.props as { src: string }).src).toBe(`${boardAssetPrefix(copy.id)}${image.id}`)
    // What a board may hold: the copy's records pass the rules' record checks.
    for (const [id, r] of copied) {
      expect([id, recordProblem(id, r)]).toEqual([id, null])
      for (const ref of referencesOf(r)) expect(copied.has(ref.id)).toBe(true)
    }

    // The original goes for good: the copy is whole, its image served from itself.
    await api(s.url, 'DELETE', `/api/boards/${board.id}`, undefined, lab.tokens.facilitator)
    expect((await api(s.url, 'DELETE', `/api/labs/${lab.id}/bin`, undefined, lab.tokens.facilitator)).body.deleted).toEqual([board.id])
    const img = await fetch(`${s.url}${boardAssetPrefix(copy.id)}${image.id}`, { headers: { authorization: `Bearer ${lab.tokens.participant}` } })
    expect(img.status).toBe(200)
    expect(Buffer.from(await img.arrayBuffer())).toEqual(PNG)
    expect(portable(await readBoard(s, copy.id, lab.tokens.participant), copy.id)).toEqual(portable(copied, copy.id))
    // Judged by the rules as a client's write (images must be the copy's own…): nothing refused.
    // (A viewer's empty sync step 2 counts as 'read-only', whatever the board.)
    await write(s, copy, lab.tokens.facilitator, [...copied.values()].map((r) => structuredClone(r)))
    await write(s, copy, lab.tokens.facilitator, [note('after', 'écrit après')])
    const { 'read-only': _viewers, ...refused } = (await api(s.url, 'GET', '/healthz')).body.refusals.byRule
    expect(refused).toEqual({})
  })

  it('copies a board nobody has open from storage, with the title and phase asked for; the templates it holds stay applied once', async () => {
    const s0 = await server()
    const { lab, board } = await createLabAndBoard(s0.url, { title: 'Arbre', template: 'arbre-a-problemes' })
    await write(s0, board, lab.tokens.facilitator, [note('cause', 'Peu de bus le soir')])
    const s = await restart(s0)
    expect(s.server.rooms.loadedBoardIds).not.toContain(board.id)
    const res = await api<Board>(s.url, 'POST', `/api/boards/${board.id}/duplicate`, { title: 'Arbre — version 2', phase: 'emergence' }, lab.tokens.facilitator)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ title: 'Arbre — version 2', phase: 'emergence', template: 'arbre-a-problemes' })
    const c = client(s, res.body.id, lab.tokens.viewer)
    await waitSynced(c.provider)
    expect(textOf(getRecordsMap(c.doc).get('shape:cause'))).toBe('Peu de bus le soir')
    expect([...getRecordsMap(c.doc).keys()].sort()).toEqual([...(await readBoard(s, board.id, lab.tokens.viewer)).keys()].sort())
    const templates = getMetaMap(c.doc).get(BoardMetaKey.templates) as Y.Map<string>
    expect(templates.get('initial')).toBe('arbre-a-problemes')
    // The workshop's live state stays with the original.
    expect([...getSessionMap(c.doc).keys()]).toEqual([])
  })

  it('copies a checkpoint of the board when asked: its state then, with its images, not what came after', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Atelier' })
    const image = await upload(s, board.id, lab.tokens.facilitator)
    const writer = await write(s, board, lab.tokens.facilitator, [note('avant', 'Écrit avant la pause'), ...imageRecords(image)])
    const taken = await api<{ id: string }>(s.url, 'POST', `/api/boards/${board.id}/checkpoints`, { name: 'Fin de l’atelier du 12 mars' }, lab.tokens.facilitator)
    expect(taken.status).toBe(201)
    const atCheckpoint = await readBoard(s, board.id, lab.tokens.facilitator)
    // After the checkpoint: a new note, the image taken off the board.
    writer.doc.transact(() => {
      getRecordsMap(writer.doc).set('shape:apres', note('apres', 'Écrit après'))
      getRecordsMap(writer.doc).delete(`shape:img-${image.id}`)
      getRecordsMap(writer.doc).delete(`asset:${image.id}`)
    })
    const room = await s.server.rooms.getRoom(board.id)
    await waitFor(() => getRecordsMap(room.doc).has('shape:apres') && !getRecordsMap(room.doc).has(`asset:${image.id}`), 'the later changes on the server')

    const res = await api<Board>(s.url, 'POST', `/api/boards/${board.id}/duplicate`, { checkpointId: taken.body.id, title: 'Atelier au 12 mars' }, lab.tokens.facilitator)
    expect(res.status).toBe(201)
    const copied = await readBoard(s, res.body.id, lab.tokens.facilitator)
    expect(copied.has('shape:apres')).toBe(false)
    expect(portable(copied, res.body.id)).toEqual(portable(atCheckpoint, board.id))
    const img = await fetch(`${s.url}${boardAssetPrefix(res.body.id)}${image.id}`, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })
    expect(img.status).toBe(200)

    const unknown = await api(s.url, 'POST', `/api/boards/${board.id}/duplicate`, { checkpointId: 'nosuchcheckpoint' }, lab.tokens.facilitator)
    expect([unknown.status, unknown.body.code]).toEqual([404, 'checkpoint.notFound'])
  })

  it('refuses a copy whose images would take the lab past its quota, and creates nothing', async () => {
    const s = await server({ MAX_LAB_ASSET_BYTES: String(PNG.length + 10) })
    const { lab, board } = await createLabAndBoard(s.url)
    const image = await upload(s, board.id, lab.tokens.facilitator)
    await write(s, board, lab.tokens.facilitator, imageRecords(image))
    const res = await api(s.url, 'POST', `/api/boards/${board.id}/duplicate`, {}, lab.tokens.facilitator)
    expect([res.status, res.body.code]).toEqual([413, 'assets.quota'])
    expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body.boards.map((b) => b.id)).toEqual([board.id])
  })

  it('refuses invalid requests with 400 input.invalid', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    for (const body of [{ title: 42 }, { phase: 'soon' }, { checkpointId: 'x' }, { labId: 'other' }]) {
      const res = await api(s.url, 'POST', `/api/boards/${board.id}/duplicate`, body, lab.tokens.facilitator)
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([JSON.stringify(body), 400, 'input.invalid'])
    }
  })
})

