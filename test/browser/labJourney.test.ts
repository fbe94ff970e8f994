import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { newContext } from '../support/browser'
import { useBrowserSuite } from '../support/browserSuite'
import { createLabAndBoard } from '../support/testServer'

const suite = useBrowserSuite()

interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** Page bounds of the template zone `zone`, and that zone's bounds on screen. */
function zoneBounds(page: Page, zone: string): Promise<{ id: string; page: Box; screen: Box }> {
  return page.evaluate((key) => {
    const editor = (window as any).fabriqueEditor
    const shape = editor.getCurrentPageShapes().find((s: any) => s.meta?.part === 'zone' && s.meta?.zone === key)
    const b = editor.getShapePageBounds(shape.id)
    const topLeft = editor.pageToScreen({ x: b.x, y: b.y })
    const bottomRight = editor.pageToScreen({ x: b.maxX, y: b.maxY })
    return {
      id: shape.id,
      page: { x: b.x, y: b.y, w: b.w, h: b.h },
      screen: { x: topLeft.x, y: topLeft.y, w: bottomRight.x - topLeft.x, h: bottomRight.y - topLeft.y },
    }
  }, zone)
}

/** Notes on the page with their text and page bounds. */
function notes(page: Page): Promise<{ text: string; box: Box }[]> {
  return page.evaluate(() => {
    const editor = (window as any).fabriqueEditor
    return editor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'note')
      .map((s: any) => {
        const b = editor.getShapePageBounds(s.id)
        return { text: editor.getShapeUtil(s).getText(s), box: { x: b.x, y: b.y, w: b.w, h: b.h } }
      })
  })
}

const inside = (inner: Box, outer: Box) => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h

/** Opens tldraw's main menu → Edit, tells whether "Tout déverrouiller" is offered, closes it. */
async function editMenuOffersUnlock(page: Page): Promise<boolean> {
  await page.getByTestId('main-menu.button').click()
  await page.getByTestId('main-menu-sub.edit-button').click()
  const content = page.getByTestId('main-menu-sub.edit-content')
  await content.waitFor()
  await content.getByText('Sélectionner tout').waitFor()
  const offered = (await content.getByText('Tout déverrouiller').count()) > 0
  await page.keyboard.press('Escape')
  await page.keyboard.press('Escape')
  return offered
}

async function enterName(page: Page, name: string) {
  await page.getByTestId('name-input').fill(name)
  await page.getByTestId('name-submit').click()
  await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
}

describe('a lab through its phases, in the browser', () => {
  it('facilitator sets up a lab and an iceberg board; a participant writes in the structures band; the bands stay put', async () => {
    const facilitator = await newContext(suite.browser)
    const f = facilitator.page

    // Create the lab.
    await f.goto(suite.server.url + '/')
    await f.getByTestId('lab-title-input').fill('Labo alimentation durable')
    await f.getByTestId('create-lab').click()
    await f.getByTestId('lab-title').waitFor()
    await expect.poll(() => f.getByTestId('lab-phase').textContent()).toBe('Détection')

    // Set its members.
    for (const [name, family] of [
      ['Métropole de Lyon', 'public'],
      ['Épicerie solidaire du 8e', 'ess'],
    ] as const) {
      await f.getByTestId('member-name').fill(name)
      await f.getByTestId('member-family').selectOption(family)
      await f.getByTestId('member-add').click()
      await f.getByTestId('member').filter({ hasText: name }).waitFor()
    }
    await f.reload()
    await expect.poll(() => f.getByTestId('member').allTextContents()).toEqual(['Métropole de Lyon×', 'Épicerie solidaire du 8e×'])
    const participantLink = await f.getByTestId('invite-participant').locator('input').inputValue()

    // The iceberg is offered as a tool of "explorer", in Émergence.
    await f.getByTestId('phase-emergence').getByTestId('tool-iceberg').first().click()
    const dialog = f.getByTestId('create-board-dialog')
    await expect.poll(() => dialog.getByTestId('board-title-input').inputValue()).toBe("Modèle de l'iceberg")
    await expect.poll(() => dialog.getByTestId('board-phase-select').inputValue()).toBe('emergence')
    await dialog.getByTestId('create-board').click()
    await f.waitForURL(/\/board\//)
    await enterName(f, 'Fanny')

    // The board opens legible on its first band; the overview shows the four with their French labels.
    await expect.poll(() => f.getByTestId('zone-name').textContent()).toContain('Événements')
    await f.getByTestId('zone-overview').click()
    for (const label of ['Événements', 'Tendances et récurrences', 'Structures', 'Modèles mentaux']) {
      await f.locator('.tl-shape').getByText(label, { exact: true }).first().waitFor()
    }
    const structures = await zoneBounds(f, 'structures')

    // A participant joins from the invitation link, finds the board in Émergence, writes a note in "Structures".
    const participant = await newContext(suite.browser)
    const p = participant.page
    await p.goto(participantLink)
    await p.getByTestId('phase-emergence').getByTestId('board-link').first().click()
    await enterName(p, 'Paul')
    // Zone by zone to "Structures".
    for (let i = 0; i < 4 && !(await p.getByTestId('zone-name').textContent())?.includes('Structures'); i++) {
      await p.getByTestId('zone-next').click()
      await p.waitForTimeout(500)
    }
    expect(await p.getByTestId('zone-name').textContent()).toContain('Structures')
    const band = await zoneBounds(p, 'structures')
    await p.keyboard.press('n')
    await p.mouse.click(band.screen.x + band.screen.w * 0.75, band.screen.y + band.screen.h * 0.55)
    await p.locator('[contenteditable="true"]').waitFor()
    await p.keyboard.type('Les règles de la commande publique', { delay: 15 })
    await p.keyboard.press('Escape')

    // The facilitator sees it, inside the structures band.
    await expect
      .poll(async () => (await notes(f)).filter((n) => n.text === 'Les règles de la commande publique' && inside(n.box, structures.page)).length, { timeout: 15_000 })
      .toBe(1)

    // The participant cannot move the locked band by dragging it.
    await p.keyboard.press('v')
    const grabX = band.screen.x + band.screen.w * 0.4
    const grabY = band.screen.y + band.screen.h * 0.8
    await p.mouse.move(grabX, grabY)
    await p.mouse.down()
    await p.mouse.move(grabX + 150, grabY + 90, { steps: 8 })
    await p.mouse.up()
    expect((await zoneBounds(p, 'structures')).page).toEqual(band.page)
    // …nor unlock it: "Tout déverrouiller" is in the facilitator's Edit menu, not the participant's.
    expect(await editMenuOffersUnlock(f)).toBe(true)
    expect(await editMenuOffersUnlock(p)).toBe(false)
    expect(await p.evaluate((id) => (window as any).fabriqueEditor.getShape(id).isLocked, band.id)).toBe(true)
    await expect.poll(async () => (await zoneBounds(f, 'structures')).page).toEqual(structures.page)

    await facilitator.context.close()
    await participant.context.close()
  })
})

describe('inserting a template into a board', () => {
  it('puts it near the centre of the view without covering what is already there, and brings it into view', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier libre' })
    const { page, context } = await newContext(suite.browser)
    await page.goto(`${suite.server.url}/board/${board.id}#t=${lab.tokens.facilitator}`)
    await enterName(page, 'Fanny')
    // Existing content right in the middle of the view.
    await page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      const c = editor.getViewportPageBounds().center
      editor.createShape({ type: 'note', x: c.x - 100, y: c.y - 100 })
      editor.createShape({ type: 'geo', x: c.x + 150, y: c.y - 300, props: { w: 600, h: 500 } })
    })
    const before = await page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      return editor.getCurrentPageShapes().map((s: any) => {
        const b = editor.getShapePageBounds(s.id)
        return { x: b.x, y: b.y, w: b.w, h: b.h }
      })
    })

    await page.getByTestId('open-insert-template').click()
    const dialog = page.getByTestId('insert-template-dialog')
    await dialog.getByTestId('template-search').fill('matrice pouvoir')
    await dialog.getByTestId('template-matrice-pouvoir-interet').click()
    await dialog.getByTestId('insert-template').click()
    await page.locator('.tl-shape').getByText('Matrice pouvoir / intérêt', { exact: true }).first().waitFor()

    const inserted = await page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      const shapes = editor.getCurrentPageShapes().filter((s: any) => s.meta?.template === 'matrice-pouvoir-interet')
      const bounds = editor.getShapesPageBounds(shapes.map((s: any) => s.id))
      return {
        count: shapes.length,
        lockedZones: shapes.filter((s: any) => s.meta.part === 'zone').every((s: any) => s.isLocked),
        bounds: { x: bounds.x, y: bounds.y, w: bounds.w, h: bounds.h },
      }
    })
    expect(inserted.count).toBeGreaterThan(5)
    expect(inserted.lockedZones).toBe(true)
    for (const b of before) {
      const overlaps = b.x < inserted.bounds.x + inserted.bounds.w && inserted.bounds.x < b.x + b.w && b.y < inserted.bounds.y + inserted.bounds.h && inserted.bounds.y < b.y + b.h
      expect(overlaps).toBe(false)
    }
    await expect.poll(() => page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      const shapes = editor.getCurrentPageShapes().filter((s: any) => s.meta?.template === 'matrice-pouvoir-interet')
      const bounds = editor.getShapesPageBounds(shapes.map((s: any) => s.id))
      const view = editor.getViewportPageBounds()
      return bounds.x >= view.x - 1 && bounds.y >= view.y - 1 && bounds.maxX <= view.maxX + 1 && bounds.maxY <= view.maxY + 1
    })).toBe(true)
    // It reached the server: a fresh look at the board has it.
    const room = await suite.server.server.rooms.getRoom(board.id)
    await room.settle()
    expect([...room.doc.getMap('records').values()].filter((r: any) => r.meta?.template === 'matrice-pouvoir-interet')).toHaveLength(inserted.count)
    await context.close()
  })
})
