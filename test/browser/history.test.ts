import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { newContext } from '../support/browser'
import { createNote, noteTexts, openBoard } from '../support/browserBoard'
import { useBrowserSuite } from '../support/browserSuite'
import { createLabAndBoard } from '../support/testServer'

/**
 * A board's history in real Chromium: a facilitator on a laptop and a participant on a phone,
 * each in a browser context of their own, on a real server. With SCREENSHOTS_DIR set, the
 * screens are saved there as PNGs (to look at them).
 */
const suite = useBrowserSuite()
const WAIT = { timeout: 30_000 }
const LAPTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }

async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS_DIR
  if (!dir) return
  fs.mkdirSync(dir, { recursive: true })
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(dir, `${name}.png`) })
}

/** Changes the text of the note that reads `from` (as its author would, in the editor). */
function retype(page: Page, from: string, to: string): Promise<void> {
  return page.evaluate(
    ({ from, to }) => {
      const editor = (window as any).fabriqueEditor
      const shape = editor.getCurrentPageShapes().find((s: any) => s.type === 'note' && editor.getShapeUtil(s).getText(s) === from)
      editor.updateShape({ id: shape.id, type: 'note', props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: to }] }] } } })
    },
    { from, to },
  )
}

/** Whether every element of the page fits the window's width (nothing cut or overflowing). */
function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = []
    for (const el of document.querySelectorAll<HTMLElement>(`${selector}, ${selector} *`)) {
      const r = el.getBoundingClientRect()
      if (r.width === 0) continue
      if (r.right > innerWidth + 1 || r.left < -1) out.push(`${el.className || el.tagName}: ${Math.round(r.left)}–${Math.round(r.right)}`)
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && el.children.length === 0) out.push(`${el.className || el.tagName} text overflows`)
    }
    return out
  }, selector)
}

describe('a board’s history', () => {
  it('a facilitator names a checkpoint, edits, opens it read-only (the live board untouched for a participant), restores it, and the participant’s canvas shows it', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier mobilité' })
    const fatou = await newContext(suite.browser, LAPTOP)
    const paul = await newContext(suite.browser, PHONE)
    try {
      await openBoard(fatou.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
      await openBoard(paul.page, suite.server.url, board.id, lab.tokens.participant, 'Paul')
      await createNote(fatou.page, 'Covoiturage entre voisins', 200, 200)
      await expect.poll(() => noteTexts(paul.page), WAIT).toEqual(['Covoiturage entre voisins'])

      // Named from the board menu's « Historique… ».
      await fatou.page.getByTestId('open-board-menu').click()
      await fatou.page.getByTestId('board-menu-history').click()
      const panel = fatou.page.getByTestId('history-panel')
      await panel.waitFor()
      await panel.getByTestId('checkpoint-name').fill('Fin de l’atelier du 12 mars')
      await panel.getByTestId('checkpoint-save').click()
      await panel.getByTestId('history-status').getByText('Version « Fin de l’atelier du 12 mars » enregistrée.').waitFor(WAIT)
      const named = panel.locator('[data-testid="checkpoint"][data-kind="named"]')
      await named.waitFor()
      expect(await named.textContent()).toContain('Fin de l’atelier du 12 mars')
      expect(await named.textContent()).toContain('par Fatou')
      // Paul opened the board but changed nothing: only Fatou contributed.
      expect(await named.textContent()).toContain('Modifié par Fatou')
      expect(await named.textContent()).not.toContain('Paul')
      await shot(fatou.page, 'history-panel-laptop')

      // The board moves on: a note changed, one added.
      await panel.getByTestId('history-panel-close').click()
      await retype(fatou.page, 'Covoiturage entre voisins', 'Navette solidaire')
      await createNote(fatou.page, 'Vélos partagés', 500, 200)
      await expect.poll(() => noteTexts(paul.page), WAIT).toEqual(['Navette solidaire', 'Vélos partagés'])

      // Paul (phone) sees the timeline too, with nothing a participant cannot do.
      await paul.page.getByTestId('open-board-menu').click()
      expect(await paul.page.getByTestId('board-menu-bin').count()).toBe(0)
      await paul.page.getByTestId('board-menu-history').click()
      const paulPanel = paul.page.getByTestId('history-panel')
      await paulPanel.locator('[data-testid="checkpoint"][data-kind="named"]').waitFor(WAIT)
      expect(await paulPanel.getByTestId('checkpoint-restore').count()).toBe(0)
      expect(await paulPanel.getByTestId('checkpoint-name').count()).toBe(0)
      expect(await overflowing(paul.page, '[data-testid="history-panel"]')).toEqual([])
      await shot(paul.page, 'history-panel-phone')
      await paulPanel.getByTestId('history-panel-close').click()

      // Fatou opens the checkpoint: the old text, read-only, in the canvas.
      await fatou.page.getByTestId('open-board-menu').click()
      await fatou.page.getByTestId('board-menu-history').click()
      await fatou.page.locator('[data-testid="checkpoint"][data-kind="named"]').getByTestId('checkpoint-open').click()
      await fatou.page.getByTestId('checkpoint-canvas').waitFor(WAIT)
      expect(new URL(fatou.page.url()).searchParams.get('checkpoint')).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(await fatou.page.getByTestId('checkpoint-title').textContent()).toMatch(/^Version du \d{1,2} \S+ \d{4}, \d{1,2} h \d{2} — lecture seule$/)
      expect(await fatou.page.getByTestId('checkpoint-bar').textContent()).toContain('Atelier mobilité · « Fin de l’atelier du 12 mars »')
      await expect.poll(() => noteTexts(fatou.page), WAIT).toEqual(['Covoiturage entre voisins'])
      expect(await fatou.page.evaluate(() => (window as any).fabriqueEditor.getIsReadonly())).toBe(true)
      // The export section of the board menu is there too.
      await fatou.page.getByTestId('checkpoint-bar').getByTestId('open-board-menu').click()
      await fatou.page.getByTestId('board-menu-export').waitFor()
      expect(await fatou.page.getByTestId('board-menu-bin').count()).toBe(0)
      await fatou.page.keyboard.press('Escape')
      await shot(fatou.page, 'checkpoint-view-laptop')
      // The live board did not move for Paul.
      expect(await noteTexts(paul.page)).toEqual(['Navette solidaire', 'Vélos partagés'])

      // Paul opens it on his phone: the bar fits.
      await paul.page.goto(`${suite.server.url}/board/${board.id}?checkpoint=${new URL(fatou.page.url()).searchParams.get('checkpoint')}`)
      await paul.page.getByTestId('checkpoint-canvas').waitFor(WAIT)
      await expect.poll(() => noteTexts(paul.page), WAIT).toEqual(['Covoiturage entre voisins'])
      expect(await paul.page.getByTestId('checkpoint-bar-restore').count()).toBe(0)
      expect(await overflowing(paul.page, '[data-testid="checkpoint-bar"]')).toEqual([])
      await shot(paul.page, 'checkpoint-view-phone')
      await paul.page.getByTestId('checkpoint-back').click()
      await paul.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor(WAIT)
      await expect.poll(() => noteTexts(paul.page), WAIT).toEqual(['Navette solidaire', 'Vélos partagés'])

      // Fatou restores it from the bar, after a confirmation saying the current state is kept.
      await fatou.page.getByTestId('checkpoint-bar-restore').click()
      const confirm = fatou.page.getByTestId('restore-confirm')
      await confirm.waitFor()
      expect(await confirm.textContent()).toContain('L’état actuel est d’abord enregistré')
      await shot(fatou.page, 'restore-confirm-laptop')
      await confirm.getByTestId('restore-submit').click()
      await fatou.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor(WAIT)
      expect(new URL(fatou.page.url()).searchParams.get('checkpoint')).toBeNull()
      await expect.poll(() => noteTexts(fatou.page), WAIT).toEqual(['Covoiturage entre voisins'])
      // Paul's canvas shows the restored board, live.
      await expect.poll(() => noteTexts(paul.page), WAIT).toEqual(['Covoiturage entre voisins'])

      // The restore can be undone: the state before it is in the timeline.
      await fatou.page.getByTestId('open-board-menu').click()
      await fatou.page.getByTestId('board-menu-history').click()
      await fatou.page.locator('[data-testid="checkpoint"][data-kind="before-restore"]').waitFor(WAIT)

      // What the restore removed is in the bin; a facilitator puts it back, for everyone.
      await fatou.page.getByTestId('history-panel-close').click()
      await fatou.page.getByTestId('open-board-menu').click()
      await fatou.page.getByTestId('board-menu-bin').click()
      const bin = fatou.page.getByTestId('bin-panel')
      const record = bin.locator('[data-testid="bin-record"]').filter({ hasText: 'Vélos partagés' })
      await record.waitFor(WAIT)
      await shot(fatou.page, 'bin-panel-laptop')
      await record.getByTestId('bin-put-back').click()
      await bin.getByTestId('bin-status').getByText('1 élément remis sur le tableau.').waitFor(WAIT)
      await expect.poll(() => noteTexts(paul.page), WAIT).toEqual(['Covoiturage entre voisins', 'Vélos partagés'])
    } finally {
      await fatou.context.close()
      await paul.context.close()
    }
  }, 240_000)

  it('in English on a phone: the timeline and a checkpoint’s bar fit, in English words', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Inclusive mobility — ideas', lang: 'en' })
    const fatou = await newContext(suite.browser, PHONE)
    try {
      await fatou.page.addInitScript(() => localStorage.setItem('fabrique.lang', 'en'))
      await openBoard(fatou.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
      await createNote(fatou.page, 'Car sharing between neighbours', 100, 100)
      await fatou.page.getByTestId('open-board-menu').click()
      await fatou.page.getByTestId('board-menu-history').click()
      const panel = fatou.page.getByTestId('history-panel')
      await panel.getByTestId('checkpoint-name').fill('End of the 12 March workshop, with the partners of the territory')
      await panel.getByTestId('checkpoint-save').click()
      await panel.locator('[data-testid="checkpoint"][data-kind="named"]').waitFor(WAIT)
      expect(await panel.textContent()).toContain('Changed by Fatou')
      expect(await overflowing(fatou.page, '[data-testid="history-panel"]')).toEqual([])
      await shot(fatou.page, 'history-panel-phone-en')
      await panel.getByTestId('checkpoint-open').click()
      await fatou.page.getByTestId('checkpoint-canvas').waitFor(WAIT)
      expect(await fatou.page.getByTestId('checkpoint-title').textContent()).toMatch(/^Version of \d{1,2} \S+ \d{4}, \d{2}:\d{2} — read-only$/)
      expect(await overflowing(fatou.page, '[data-testid="checkpoint-bar"]')).toEqual([])
      await shot(fatou.page, 'checkpoint-view-phone-en')
    } finally {
      await fatou.context.close()
    }
  }, 240_000)

  it('the bin on a phone: a facilitator sees a participant’s deleted note with its text, and puts it back', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Corbeille' })
    const fatou = await newContext(suite.browser, PHONE)
    const paul = await newContext(suite.browser, LAPTOP)
    try {
      await openBoard(fatou.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
      await openBoard(paul.page, suite.server.url, board.id, lab.tokens.participant, 'Paul')
      await createNote(paul.page, 'Jardin partagé rue Garibaldi', 200, 200)
      await expect.poll(() => noteTexts(fatou.page), WAIT).toEqual(['Jardin partagé rue Garibaldi'])
      await paul.page.evaluate(() => {
        const editor = (window as any).fabriqueEditor
        editor.deleteShapes(editor.getCurrentPageShapes().map((s: any) => s.id))
      })
      await expect.poll(() => noteTexts(fatou.page), WAIT).toEqual([])
      await fatou.page.getByTestId('open-board-menu').click()
      await fatou.page.getByTestId('board-menu-bin').click()
      const bin = fatou.page.getByTestId('bin-panel')
      const batch = bin.getByTestId('bin-batch').first()
      await batch.waitFor(WAIT)
      expect(await batch.textContent()).toContain('Supprimé par Paul')
      expect(await batch.textContent()).toContain('Jardin partagé rue Garibaldi')
      expect(await overflowing(fatou.page, '[data-testid="bin-panel"]')).toEqual([])
      await shot(fatou.page, 'bin-panel-phone')
      await batch.getByTestId('bin-put-back').click()
      await expect.poll(() => noteTexts(paul.page), WAIT).toEqual(['Jardin partagé rue Garibaldi'])
      // Back with its author: Paul may delete it again (participants delete only their own notes).
      const author = await paul.page.evaluate(() => (window as any).fabriqueEditor.getCurrentPageShapes()[0].meta.author)
      expect(author).toBeTruthy()
      expect(author).toBe(await paul.page.evaluate(() => JSON.parse(localStorage.getItem('fabrique.identities')!)[Object.keys(JSON.parse(localStorage.getItem('fabrique.identities')!))[0]!].id))
    } finally {
      await fatou.context.close()
      await paul.context.close()
    }
  }, 240_000)
})
