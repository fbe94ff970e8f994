import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { BoardMetaKey, getMetaMap, getRecordsMap } from '../../shared/boardDoc'
import { createBoardSchema } from '../../shared/tldrawDoc'
import { connect, waitSynced } from '../support/providers'
import { textOf } from '../support/records'
import { createLabAndBoard, startServer, type TestServer } from '../support/testServer'

const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/board-before-rich-text.json'), 'utf8'))
const current = createBoardSchema().serialize()

let servers: TestServer[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) c()
  for (const s of servers.splice(0)) await s.stop()
})

/** A board whose stored log also holds `write`'s update, appended before anyone opens it. */
async function boardStoredWith(write: (doc: Y.Doc) => void) {
  const s = await startServer()
  servers.push(s)
  const { lab, board } = await createLabAndBoard(s.url)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.mergeUpdates((await s.server.storage.loadUpdates(board.id)).updates))
  const before = Y.encodeStateVector(doc)
  Y.transact(doc, () => write(doc))
  await s.server.storage.appendUpdate(board.id, Y.encodeStateAsUpdate(doc, before))
  const open = () => {
    const c = connect(s.wsUrl, board.id, lab.tokens.viewer)
    cleanups.push(() => c.provider.destroy())
    return c
  }
  return { s, board, open }
}

describe('the server owns the board schema', () => {
  it('migrates a board written by an older tldraw when it loads it, before serving anyone', async () => {
    const { open } = await boardStoredWith((doc) => {
      for (const r of fixture.records) if (r.typeName === 'shape') getRecordsMap(doc).set(r.id, r)
      getMetaMap(doc).set(BoardMetaKey.schema, fixture.schema)
    })
    const viewer = open()
    await waitSynced(viewer.provider)
    // The very first state a client receives is migrated: rich text, current schema.
    expect(getMetaMap(viewer.doc).get(BoardMetaKey.schema)).toEqual(current)
    const old = getRecordsMap(viewer.doc).get('shape:oldtext') as any
    expect(old.props.text).toBeUndefined()
    expect(textOf(old)).toContain('les habitants d’abord')
  })

  it('gives a board with no schema, or a garbage one, the current schema', async () => {
    for (const value of [undefined, 'garbage', { nope: true }]) {
      const { open } = await boardStoredWith((doc) => {
        if (value === undefined) getMetaMap(doc).delete(BoardMetaKey.schema)
        else getMetaMap(doc).set(BoardMetaKey.schema, value)
      })
      const viewer = open()
      await waitSynced(viewer.provider)
      expect(getMetaMap(viewer.doc).get(BoardMetaKey.schema), `schema was ${JSON.stringify(value)}`).toEqual(current)
    }
  })

  it('leaves a board written by a newer tldraw as it is (this build’s clients ask to reload)', async () => {
    const newer = structuredClone(current) as any
    newer.sequences['com.tldraw.shape.note'] += 3
    const { s, board, open } = await boardStoredWith((doc) => getMetaMap(doc).set(BoardMetaKey.schema, newer))
    const rowsBefore = await s.server.storage.countUpdates(board.id)
    const viewer = open()
    await waitSynced(viewer.provider)
    expect(getMetaMap(viewer.doc).get(BoardMetaKey.schema)).toEqual(newer)
    expect(await s.server.storage.countUpdates(board.id)).toBe(rowsBefore)
  })
})
