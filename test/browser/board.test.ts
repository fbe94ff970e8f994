import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClientBuilt, launchBrowser, newContext } from '../support/browser'
import { createLabAndBoard, startServer, type TestServer } from '../support/testServer'

let server: TestServer
let browser: Browser

beforeAll(async () => {
  ensureClientBuilt()
  server = await startServer({ STATIC_DIR: 'dist/client' })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

/** Opens a board as a new person: the name prompt, then the live canvas. */
async function openBoard(page: Page, boardId: string, token: string, name: string): Promise<void> {
  await page.goto(`${server.url}/board/${boardId}#t=${token}`)
  await page.getByTestId('name-input').fill(name)
  await page.getByTestId('name-submit').click()
  await page.locator('.tl-canvas').waitFor()
  await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
}

/** Text of every note on the current page, read from the editor the page exposes. */
function noteTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const editor = (window as any).fabriqueEditor
    return editor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'note')
      .map((s: any) => editor.getShapeUtil(s).getText(s) as string)
  })
}

function offOrigin(requests: string[]): string[] {
  return requests.filter((url) => !url.startsWith(server.url + '/') && !url.startsWith('blob:' + server.url) && !url.startsWith('data:'))
}

describe('a board in two browsers', () => {
  it('a sticky note written in one appears in the other, cursors are shared, and it survives a reload', async () => {
    const { lab, board } = await createLabAndBoard(server.url, { title: 'Atelier mobilité' })
    const alice = await newContext(browser)
    const bob = await newContext(browser)
    await openBoard(alice.page, board.id, lab.tokens.facilitator, 'Alice')
    await openBoard(bob.page, board.id, lab.tokens.participant, 'Bob')
    expect(await alice.page.getByTestId('board-title').textContent()).toBe('Atelier mobilité')

    // Alice draws a sticky note through the UI and types in it.
    await alice.page.keyboard.press('n')
    await alice.page.mouse.click(640, 400)
    await alice.page.locator('[contenteditable="true"]').waitFor()
    await alice.page.keyboard.type('Covoiturage solidaire', { delay: 20 })
    await alice.page.keyboard.press('Escape')
    await expect.poll(() => noteTexts(alice.page)).toEqual(['Covoiturage solidaire'])

    // Bob sees it, with its text, on his canvas.
    await expect.poll(() => noteTexts(bob.page), { timeout: 15_000 }).toEqual(['Covoiturage solidaire'])
    await bob.page.locator('.tl-shape').getByText('Covoiturage solidaire').first().waitFor()

    // Alice's cursor is visible to Bob, with her name.
    await alice.page.mouse.move(500, 300)
    await alice.page.mouse.move(520, 320)
    await bob.page.locator('.tl-collaborator__cursor').first().waitFor({ timeout: 15_000 })
    await bob.page.getByText('Alice').first().waitFor()

    // After a reload, the note is still there.
    await bob.page.reload()
    await bob.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    await expect.poll(() => noteTexts(bob.page)).toEqual(['Covoiturage solidaire'])

    // Nothing was requested from another host, in either browser.
    expect(offOrigin(alice.requests)).toEqual([])
    expect(offOrigin(bob.requests)).toEqual([])
    // tldraw's French translation was served by Fabrique itself.
    expect(alice.requests.some((url) => /\/assets\/fr-[^/]+\.json$/.test(url))).toBe(true)

    await alice.context.close()
    await bob.context.close()
  })
})
