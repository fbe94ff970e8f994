import fs from 'node:fs'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { BoardMetaKey, getMetaMap, getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import { createBoardSchema } from '../../shared/tldrawDoc'
import { newContext } from '../support/browser'
import { useBrowserSuite } from '../support/browserSuite'
import { connect, waitFor, waitSynced } from '../support/providers'
import { createLabAndBoard } from '../support/testServer'

const suite = useBrowserSuite()
const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/board-before-rich-text.json'), 'utf8'))

/**
 * A board whose stored log also holds `write`'s update, appended before anyone opens it (as a
 * board saved by an older Fabrique would be), and a stock Node client on it.
 */
async function boardWith(write: (doc: Y.Doc) => void) {
  const { lab, board } = await createLabAndBoard(suite.server.url)
  const storage = suite.server.server.storage
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.mergeUpdates((await storage.loadUpdates(board.id)).updates))
  const before = Y.encodeStateVector(doc)
  Y.transact(doc, () => write(doc))
  await storage.appendUpdate(board.id, Y.encodeStateAsUpdate(doc, before))
  const node = connect(suite.server.wsUrl, board.id, lab.tokens.facilitator)
  await waitSynced(node.provider)
  return { lab, board, node }
}

async function open(page: Page, boardId: string, token: string) {
  await page.goto(`${suite.server.url}/board/${boardId}#t=${token}`)
  await page.getByTestId('name-input').fill('Testeur')
  await page.getByTestId('name-submit').click()
}

function shapeIds(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as any).fabriqueEditor.getCurrentPageShapeIds()].sort())
}

describe('schema safety in the browser', () => {
  it('a board written by an older tldraw is migrated by the server on load and shows its text', async () => {
    const { lab, board, node } = await boardWith((doc) => {
      const records = getRecordsMap(doc)
      for (const r of fixture.records) if (r.typeName === 'shape') records.set(r.id, r)
      getMetaMap(doc).set(BoardMetaKey.schema, fixture.schema)
    })
    const { page, context } = await newContext(suite.browser)
    await open(page, board.id, lab.tokens.participant)
    await page.locator('.tl-shape').getByText('les habitants d’abord').first().waitFor()
    await page.locator('.tl-shape').getByText('Mobilité').first().waitFor()
    // The server migrated the records and wrote the current schema, for everyone.
    const current = createBoardSchema().serialize()
    await waitFor(() => isDeepStrictEqual(getMetaMap(node.doc).get(BoardMetaKey.schema), current), 'migrated schema in the document')
    expect((getRecordsMap(node.doc).get('shape:oldtext') as any).props.richText).toBeDefined()
    node.provider.destroy()
    await context.close()
  })

  it('a client older than the document is told to reload and writes nothing', async () => {
    const newer = structuredClone(createBoardSchema().serialize()) as any
    newer.sequences['com.tldraw.shape.note'] += 3
    const { lab, board, node } = await boardWith((doc) => getMetaMap(doc).set(BoardMetaKey.schema, newer))
    const before = Y.encodeStateVector(node.doc)
    const { page, context } = await newContext(suite.browser)
    await open(page, board.id, lab.tokens.facilitator)
    await page.locator('[data-testid="schema-problem"][data-problem="newer"]').waitFor()
    await page.getByText('version plus récente').waitFor()
    expect(await page.locator('.tl-canvas').count()).toBe(0)
    // Let any write the page might attempt reach the server, then check nothing changed.
    await page.waitForTimeout(500)
    const room = await suite.server.server.rooms.getRoom(board.id)
    await room.settle()
    expect(Y.encodeStateVector(room.doc)).toEqual(before)
    node.provider.destroy()
    await context.close()
  })

  it('a remote record that fails validation is skipped; the rest of the board works', async () => {
    const { lab, board, node } = await boardWith(() => {})
    const { page, context } = await newContext(suite.browser)
    await open(page, board.id, lab.tokens.participant)
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    // A valid geo shape built through a real editor in the page, so its props are complete.
    const valid = await page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      editor.createShape({ type: 'geo', x: 50, y: 50, props: { w: 120, h: 80 } })
      return JSON.parse(JSON.stringify(editor.getCurrentPageShapes()[0]))
    })
    await waitFor(() => getRecordsMap(node.doc).has(valid.id), 'valid shape reaches node')
    Y.transact(node.doc, () => {
      const records = getRecordsMap(node.doc)
      records.set('shape:broken', { ...valid, id: 'shape:broken', x: 300, props: { ...valid.props, geo: 'not-a-geo', w: 'wide' } } as StoredRecord)
      records.set('shape:fine', { ...valid, id: 'shape:fine', x: 500 } as StoredRecord)
    })
    await expect.poll(() => shapeIds(page)).toEqual([valid.id, 'shape:fine'].sort())
    // The board still works: an edit from the page reaches the others.
    await page.evaluate(() => {
      ;(window as any).fabriqueEditor.createShape({ type: 'geo', x: 700, y: 50, props: { w: 60, h: 60 } })
    })
    await waitFor(() => [...getRecordsMap(node.doc).values()].filter((r) => r.typeName === 'shape').length === 4, 'page edit reaches node')
    node.provider.destroy()
    await context.close()
  })
})
