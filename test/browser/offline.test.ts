import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { getRecordsMap } from '../../shared/boardDoc'
import { newContext } from '../support/browser'
import { useBrowserSuite } from '../support/browserSuite'
import { waitFor } from '../support/providers'
import { createLabAndBoard, startServer } from '../support/testServer'

const suite = useBrowserSuite()

function connectionState(page: Page): Promise<string | null> {
  return page.getByTestId('connection-state').getAttribute('data-state')
}

describe('losing the connection', () => {
  it('shows offline, keeps edits made meanwhile, and sends them when the server is back', async () => {
    // A server of its own, so it can go away and come back on the same port and data.
    let server = await startServer({ STATIC_DIR: 'dist/client' })
    const { lab, board } = await createLabAndBoard(server.url, { title: 'Wi-Fi capricieux' })
    const { page, context } = await newContext(suite.browser)
    await page.goto(`${server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await page.getByTestId('name-input').fill('Inès')
    await page.getByTestId('name-submit').click()
    await expect.poll(() => connectionState(page)).toBe('live')

    const { port, dataDir } = server
    await server.stop()
    await expect.poll(() => connectionState(page), { timeout: 15_000 }).toBe('offline')
    await page.getByText('Hors ligne').first().waitFor()

    // Still editable while offline.
    await page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      editor.createShape({ type: 'geo', x: 100, y: 100, props: { w: 200, h: 120 }, meta: { offline: true } })
    })

    server = await startServer({ STATIC_DIR: 'dist/client', PORT: String(port) }, dataDir)
    try {
      await expect.poll(() => connectionState(page), { timeout: 20_000 }).toBe('live')
      const room = await server.server.rooms.getRoom(board.id)
      await waitFor(() => [...getRecordsMap(room.doc).values()].some((r) => (r as any).meta?.offline === true), 'the offline edit reached the server', 15_000)
      await room.settle()
      const stored = await server.server.storage.loadUpdates(board.id)
      expect(Buffer.concat(stored.updates.map((u) => Buffer.from(u))).toString('latin1')).toContain('offline')
    } finally {
      await context.close()
      await server.stop()
    }
  })
})
