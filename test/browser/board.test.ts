import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { newContext } from '../support/browser'
import { noteTexts, openBoard as openBoardAt } from '../support/browserBoard'
import { useBrowserSuite } from '../support/browserSuite'
import { createLabAndBoard } from '../support/testServer'

const suite = useBrowserSuite()

/** Opens a board as a new person on the suite's server. */
const openBoard = (page: Page, boardId: string, token: string, name: string) => openBoardAt(page, suite.server.url, boardId, token, name)

function offOrigin(requests: string[]): string[] {
  return requests.filter((url) => !url.startsWith(suite.server.url + '/') && !url.startsWith('blob:' + suite.server.url) && !url.startsWith('data:'))
}

describe('a board in two browsers', () => {
  it('a sticky note written in one appears in the other, cursors are shared, and it survives a reload', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier mobilité' })
    const alice = await newContext(suite.browser)
    const bob = await newContext(suite.browser)
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

describe('images on a board', () => {
  it('a pasted image is uploaded beside the board, not inlined, and served to members only', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Photos' })
    const { page, context, requests } = await newContext(suite.browser)
    await openBoard(page, board.id, lab.tokens.participant, 'Chloé')
    // A real 2×2 PNG, handed to tldraw as a pasted/dropped file.
    await page.evaluate(async () => {
      const canvas = document.createElement('canvas')
      canvas.width = 2
      canvas.height = 2
      canvas.getContext('2d')!.fillRect(0, 0, 2, 2)
      const blob: Blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'))
      const editor = (window as any).fabriqueEditor
      await editor.putExternalContent({ type: 'files', files: [new File([blob], 'photo.png', { type: 'image/png' })], point: { x: 200, y: 200 } })
    })
    // tldraw shows the image at once and records its URL once the upload finished.
    let src = ''
    await expect
      .poll(async () => (src = await page.evaluate(() => (window as any).fabriqueEditor.getAssets()[0]?.props.src ?? '')))
      .toMatch(/^\/api\//)
    expect(src).toMatch(new RegExp(`^/api/boards/${board.id}/assets/[A-Za-z0-9_-]+$`))
    // The image is displayed from Fabrique's origin.
    await expect.poll(() => page.evaluate(() => [...document.querySelectorAll('.tl-image')].some((el) => (el as HTMLImageElement).naturalWidth > 0 || getComputedStyle(el).backgroundImage.includes('/api/')))).toBe(true)
    expect(requests.some((url) => url.startsWith(`${suite.server.url}/api/boards/${board.id}/assets/`))).toBe(true)
    // The stored document references the URL; no base64 data inside.
    const room = await suite.server.server.rooms.getRoom(board.id)
    await room.settle()
    const stored = await suite.server.server.storage.loadUpdates(board.id)
    const bytes = Buffer.concat(stored.updates.map((u) => Buffer.from(u))).toString('latin1')
    expect(bytes).toContain(src)
    expect(bytes).not.toContain('data:image')
    // Without the lab's cookie or token, the image is refused.
    expect((await fetch(suite.server.url + src)).status).toBe(401)
    await context.close()
  })
})

describe('following someone', () => {
  it('tldraw’s people menu lists the others by name, and following one makes your view follow theirs', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Suivez-moi' })
    const lead = await newContext(suite.browser)
    const follower = await newContext(suite.browser)
    await openBoard(lead.page, board.id, lab.tokens.facilitator, 'Léa')
    await openBoard(follower.page, board.id, lab.tokens.participant, 'Omar')
    await lead.page.mouse.move(300, 300)

    await follower.page.locator('.tlui-people-menu__avatars-button').click()
    const item = follower.page.locator('.tlui-people-menu__item').filter({ hasText: 'Léa' })
    await item.waitFor()
    await item.locator('.tlui-people-menu__item__follow').click()
    await expect.poll(() => follower.page.evaluate(() => (window as any).fabriqueEditor.getInstanceState().followingUserId)).toMatch(/^user:/)

    // The leader moves far away; the follower's view goes with them.
    await lead.page.evaluate(() => (window as any).fabriqueEditor.setCamera({ x: -5000, y: -3000, z: 1 }) && null)
    const leadCenter = await lead.page.evaluate(() => {
      const c = (window as any).fabriqueEditor.getViewportPageBounds().center
      return { x: c.x, y: c.y }
    })
    await expect
      .poll(async () => {
        const c = await follower.page.evaluate(() => {
          const center = (window as any).fabriqueEditor.getViewportPageBounds().center
          return { x: center.x, y: center.y }
        })
        return Math.hypot(c.x - leadCenter.x, c.y - leadCenter.y) < 50
      }, { timeout: 15_000 })
      .toBe(true)
    // And the leader sees that someone follows them.
    await lead.page.locator('.tlui-people-menu__avatars-button').click()
    await expect.poll(() => lead.page.locator('.tlui-people-menu__item[data-follow="true"]').count()).toBe(1)
    await lead.context.close()
    await follower.context.close()
  })
})
