import { isDeepStrictEqual } from 'node:util'
import * as Y from 'yjs'
import { getRecordsMap, type StoredRecord } from '../../../shared/boardDoc'
import type { CreatedLab, Board } from '../../../shared/lab'
import { issueIdentity } from '../../support/commands'
import { connect, waitFor, waitSynced } from '../../support/providers'
import { note } from '../../support/records'
import { useTestResources } from '../../support/testResources'
import { createLabAndBoard, type TestServer } from '../../support/testServer'

export type Person = Awaited<ReturnType<typeof issueIdentity>>

/** A request to the API with a token and, optionally, the identity asking. */
export async function call<T = any>(s: TestServer, method: string, path: string, options: { token?: string; body?: unknown; identity?: Person; raw?: string } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(s.url + path, {
    method,
    headers: {
      ...((options.body !== undefined || options.raw !== undefined) && { 'content-type': 'application/json' }),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...(options.identity && { 'x-fabrique-identity': options.identity.credential }),
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** A checkpoint's state as the API serves it (the Yjs update), in a new document. */
export async function checkpointDoc(s: TestServer, boardId: string, checkpointId: string, token: string): Promise<Y.Doc> {
  const res = await fetch(`${s.url}/api/boards/${boardId}/checkpoints/${checkpointId}/state`, { headers: { authorization: `Bearer ${token}` } })
  if (res.status !== 200) throw new Error(`checkpoint state: ${res.status} ${await res.text()}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}

/** The records of a document, as JSON keyed by id. */
export const recordsOf = (doc: Y.Doc): Record<string, StoredRecord> => getRecordsMap(doc).toJSON() as Record<string, StoredRecord>

/** Whether a document's records are exactly `expected` (whatever the order of keys). */
export const holds = (doc: Y.Doc, expected: Record<string, StoredRecord>): boolean => isDeepStrictEqual(recordsOf(doc), expected)

/** Writes records into a client's document, in one transaction (one update). */
export function write(doc: Y.Doc, records: StoredRecord[], remove: string[] = []): void {
  const map = getRecordsMap(doc)
  Y.transact(doc, () => {
    for (const id of remove) map.delete(id)
    for (const r of records) map.set(r.id, r)
  })
}

/**
 * Test resources plus a board with a facilitator (Fatou) and a participant (Alice), each with
 * an identity, connected with stock y-websocket providers and synced.
 */
export function useHistory() {
  const t = useTestResources()

  function client(s: TestServer, boardId: string, token: string, person?: Person) {
    const c = connect(s.wsUrl, boardId, token, new Y.Doc(), { identity: person?.credential })
    t.onCleanup(() => c.provider.destroy())
    return c
  }

  async function setup(s: TestServer, existing?: { lab: CreatedLab; board: Board; fatou: Person; alice: Person }) {
    const { lab, board } = existing ?? (await createLabAndBoard(s.url))
    const fatou = existing?.fatou ?? (await issueIdentity(s.url, lab.id, lab.tokens.facilitator, 'Fatou'))
    const alice = existing?.alice ?? (await issueIdentity(s.url, lab.id, lab.tokens.participant, 'Alice'))
    const facilitator = client(s, board.id, lab.tokens.facilitator, fatou)
    const participant = client(s, board.id, lab.tokens.participant, alice)
    await Promise.all([waitSynced(facilitator.provider), waitSynced(participant.provider)])
    const room = await s.server.rooms.getRoom(board.id)
    /** Resolves once the server's board holds `id` (as `predicate` wants it). */
    const serverHas = (id: string, predicate: (r: StoredRecord | undefined) => boolean = (r) => r !== undefined) =>
      waitFor(() => predicate(getRecordsMap(room.doc).get(id)), `the server to have ${id}`)
    /** A note as its author's client writes it (with its author: the server has nothing to stamp). */
    const byAlice = (id: string, text: string, fields: Parameters<typeof note>[2] = {}) => note(id, text, { ...fields, meta: { author: alice.identity.id, ...fields.meta } })
    const byFatou = (id: string, text: string, fields: Parameters<typeof note>[2] = {}) => note(id, text, { ...fields, meta: { author: fatou.identity.id, ...fields.meta } })
    return { lab, board, fatou, alice, facilitator, participant, room, serverHas, byAlice, byFatou }
  }

  /** Waits until the board has `count` checkpoints (or more), and returns them, newest first. */
  async function checkpointsWhen(s: TestServer, boardId: string, predicate: (list: Awaited<ReturnType<TestServer['server']['storage']['listCheckpoints']>>) => boolean, what: string) {
    let list = await s.server.storage.listCheckpoints(boardId)
    await waitFor(async () => predicate((list = await s.server.storage.listCheckpoints(boardId))), what)
    return list
  }

  return { ...t, client, setup, checkpointsWhen, note }
}
