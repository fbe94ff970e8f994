import fs from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { boardAssetPrefix } from '../../shared/assets'
import type { Board, LabView } from '../../shared/lab'
import { newContext } from '../support/browser'
import { createNote, openBoard } from '../support/browserBoard'
import { useBrowserSuite } from '../support/browserSuite'
import { api, createLabAndBoard } from '../support/testServer'
import { textOf } from '../support/records'

/**
 * `.tldr` files in real Chromium: a board exported from its menu opens in tldraw's own reader
 * and comes back whole through the lab page's import; a file of an older tldraw imports and
 * its text shows on the canvas. Board management from the lab page, at laptop and phone sizes.
 */
const suite = useBrowserSuite()

const WAIT = { timeout: 45_000 }
const TEST_MS = 240_000
/** Where screenshots are written for a person to look at (`TLDR_LOOK_DIR=…`); nothing is written otherwise. */
const LOOK_DIR = process.env.TLDR_LOOK_DIR
const shot = async (page: Page, name: string) => {
  if (LOOK_DIR) await page.screenshot({ path: path.join(LOOK_DIR, `${name}.png`), fullPage: false })
}

const OLDER = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/older-tldraw-plain-text.tldr'))
/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

/** tldraw's reader, bundled once for the file's tests. */
let reader: Promise<string> | null = null
function tldrawReader(): Promise<string> {
  reader ??= build({
    entryPoints: [path.join(import.meta.dirname, 'tldrParseInBrowser.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  }).then((r) => r.outputFiles[0]!.text)
  return reader
}

/** Opens `json` with tldraw's `parseTldrawJsonFile` in a blank page of its own (no Fabrique there). */
async function openWithTldraw(browser: Browser, json: string): Promise<{ ok: boolean; error?: string; records?: any[] }> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.setContent('<!doctype html><title>tldraw reader</title>')
    await page.addScriptTag({ content: await tldrawReader() })
    return await page.evaluate((text) => (window as any).checkTldr(text), json)
  } finally {
    await context.close()
  }
}

/** The document's records in a page's editor, by id, as plain JSON. */
function editorRecords(page: Page): Promise<Record<string, any>> {
  return page.evaluate(() => {
    const editor = (window as any).fabriqueEditor
    const out: Record<string, unknown> = {}
    for (const r of editor.store.allRecords()) if (['page', 'shape', 'binding', 'asset'].includes(r.typeName)) out[r.id] = JSON.parse(JSON.stringify(r))
    return out
  })
}

async function openLab(page: Page, labId: string, token: string): Promise<void> {
  await page.goto(`${suite.server.url}/lab/${labId}#t=${token}`)
  await page.getByTestId('timeline').waitFor(WAIT)
  await page.locator('.fab-live--live').waitFor(WAIT)
}

/** Imports `file` through the lab page's dialog; resolves once the server answered. */
async function importThroughLabPage(page: Page, file: { name: string; buffer: Buffer }, title?: string): Promise<void> {
  await page.getByTestId('import-tldr').click()
  const dialog = page.getByTestId('import-tldr-dialog')
  await dialog.getByTestId('import-tldr-file').setInputFiles({ name: file.name, mimeType: 'application/json', buffer: file.buffer })
  if (title !== undefined) await dialog.getByTestId('import-tldr-title').fill(title)
  await dialog.getByTestId('import-tldr-submit').click()
}

describe('.tldr files', () => {
  it(
    'exports a board with a note and an image from its menu; tldraw’s own reader opens the file; imported through the lab page it gives a board with the same records and its image',
    async () => {
      const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier : « Vénissieux » / soir' })
      const upload = await fetch(`${suite.server.url}/api/boards/${board.id}/assets`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.facilitator}` }, body: PNG })
      const image = (await upload.json()) as { id: string; src: string }
      const fatou = await newContext(suite.browser)
      await openBoard(fatou.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
      await createNote(fatou.page, 'Une navette solidaire le soir', 120, 80)
      await fatou.page.evaluate(
        ({ src, id }) => {
          const editor = (window as any).fabriqueEditor
          editor.createAssets([{ id: `asset:${id}`, typeName: 'asset', type: 'image', meta: {}, props: { src, w: 1, h: 1, name: 'pixel.png', isAnimated: false, mimeType: 'image/png' } }])
          editor.createShape({ id: 'shape:photo', type: 'image', x: 420, y: 60, props: { assetId: `asset:${id}`, w: 120, h: 120 } })
        },
        { src: image.src, id: image.id },
      )
      // Both on the server (the server stamps authors: what comes back is what is stored).
      await expect
        .poll(async () => {
          const res = await fetch(`${suite.server.url}/api/boards/${board.id}`, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })
          const room = await suite.server.server.rooms.getRoom(board.id)
          return res.ok && ['shape:photo', `asset:${image.id}`].every((id) => room.doc.getMap('records').has(id)) && [...room.doc.getMap<any>('records').values()].some((r) => r.type === 'note' && r.meta?.author)
        }, WAIT)
        .toBe(true)
      const before = await editorRecords(fatou.page)

      // Export from the board menu.
      await fatou.page.getByTestId('open-board-menu').click()
      const [download] = await Promise.all([fatou.page.waitForEvent('download', WAIT), fatou.page.getByTestId('board-menu-export-tldr').click()])
      await fatou.page.getByTestId('export-tldr-dialog').waitFor({ state: 'detached', ...WAIT })
      const d = new Date()
      const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
      expect(download.suggestedFilename()).toBe(`Labo test – Atelier - « Vénissieux » - soir – ${day}.tldr`)
      const json = fs.readFileSync((await download.path())!, 'utf8')
      const file = JSON.parse(json)
      expect(file.tldrawFileFormatVersion).toBe(1)
      // Images inside: tldraw.com opens it without Fabrique.
      const asset = file.records.find((r: any) => r.id === `asset:${image.id}`)
      expect(asset.props.src).toBe(`data:image/png;base64,${PNG.toString('base64')}`)
      expect(file.records.some((r: any) => ['camera', 'instance', 'pointer', 'instance_presence', 'user'].includes(r.typeName))).toBe(false)

      // tldraw's own reader opens it: the note, its text and the embedded image are there.
      const opened = await openWithTldraw(suite.browser, json)
      expect(opened.error).toBeUndefined()
      expect(opened.ok).toBe(true)
      const read = new Map(opened.records!.map((r: any) => [r.id, r]))
      const noteId = Object.keys(before).find((id) => before[id].type === 'note')!
      expect(textOf(read.get(noteId))).toBe('Une navette solidaire le soir')
      expect(read.get(`asset:${image.id}`).props.src.startsWith('data:image/png;base64,')).toBe(true)
      expect(read.get('shape:photo')).toMatchObject({ x: 420, y: 60, props: { assetId: `asset:${image.id}` } })

      // Imported through the lab page: a new board, live on the page, with the same records.
      await openLab(fatou.page, lab.id, lab.tokens.facilitator)
      await importThroughLabPage(fatou.page, { name: download.suggestedFilename(), buffer: Buffer.from(json) })
      const done = fatou.page.getByTestId('import-tldr-done')
      await done.waitFor(WAIT)
      expect(await done.textContent()).toContain('Atelier - « Vénissieux » - soir')
      await fatou.page.getByTestId('import-tldr-open').click()
      await fatou.page.getByTestId('name-submit').or(fatou.page.locator('.tl-canvas')).first().waitFor(WAIT)
      if (await fatou.page.getByTestId('name-submit').isVisible()) await fatou.page.getByTestId('name-submit').click()
      await fatou.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor(WAIT)
      const imported = await fatou.page.evaluate(() => location.pathname.split('/').pop()!)
      expect(imported).not.toBe(board.id)
      await expect.poll(async () => Object.keys(await editorRecords(fatou.page)).length, WAIT).toBe(Object.keys(before).length)
      const after = await editorRecords(fatou.page)
      const newSrc = after[`asset:${image.id}`].props.src as string
      expect(newSrc.startsWith(boardAssetPrefix(imported))).toBe(true)
      // The same records: ids, texts, places, authors; the image now the new board's own.
      for (const [id, record] of Object.entries(before)) {
        const expected = id === `asset:${image.id}` ? { ...record, props: { ...record.props, src: newSrc } } : record
        expect([id, after[id]]).toEqual([id, expected])
      }
      // The image shows: served from the new board.
      await expect.poll(() => fatou.page.evaluate(async (src) => (await fetch(src)).status, newSrc), WAIT).toBe(200)
      await fatou.page.locator('.tl-image').first().waitFor(WAIT)
      await fatou.context.close()
    },
    TEST_MS,
  )

  it(
    'imports a file of an older tldraw through the lab page (its text shows on the canvas) and says why a broken or foreign file is refused, creating nothing',
    async () => {
      const { lab } = await createLabAndBoard(suite.server.url, { title: 'Premier atelier' })
      for (const [lang, size] of [
        ['fr', { width: 1280, height: 800 }],
        ['en', { width: 390, height: 844 }],
      ] as const) {
        const f = await newContext(suite.browser, size)
        if (lang === 'en') await f.page.addInitScript(() => localStorage.setItem('fabrique.lang', 'en'))
        await openLab(f.page, lab.id, lab.tokens.facilitator)
        const boardsBefore = (await api<LabView>(suite.server.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body.boards.length

        // A truncated file, a foreign one: refused, in the person's words; nothing is created.
        const dialog = f.page.getByTestId('import-tldr-dialog')
        await importThroughLabPage(f.page, { name: 'coupé.tldr', buffer: OLDER.subarray(0, 900) })
        await expect.poll(() => dialog.getByTestId('error').textContent(), WAIT).toContain(lang === 'fr' ? 'incomplet' : 'incomplete')
        await shot(f.page, `import-refused-${lang}-${size.width}`)
        await dialog.getByTestId('import-tldr-file').setInputFiles({ name: 'dessin.excalidraw', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ type: 'excalidraw', version: 2, elements: [] })) })
        await dialog.getByTestId('import-tldr-submit').click()
        await expect.poll(() => dialog.getByTestId('error').textContent(), WAIT).toContain(lang === 'fr' ? 'pas un fichier tldraw' : 'not a tldraw file')
        expect((await api<LabView>(suite.server.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body.boards.length).toBe(boardsBefore)
        // The dialog fits the screen.
        const box = (await dialog.boundingBox())!
        expect(box.x).toBeGreaterThanOrEqual(0)
        expect(box.x + box.width).toBeLessThanOrEqual(size.width)

        // The older file: imported, shown live on the lab page, its text on the canvas.
        await dialog.getByTestId('import-tldr-file').setInputFiles({ name: 'atelier_mobilite.tldr', mimeType: 'application/json', buffer: OLDER })
        expect(await dialog.getByTestId('import-tldr-title').inputValue()).toBe('atelier mobilite')
        await dialog.getByTestId('import-tldr-title').fill(`Ancien atelier (${lang})`)
        await dialog.getByTestId('import-tldr-submit').click()
        await dialog.getByTestId('import-tldr-done').waitFor(WAIT)
        await shot(f.page, `import-done-${lang}-${size.width}`)
        await f.page.keyboard.press('Escape')
        await f.page.getByTestId('now-board').filter({ hasText: `Ancien atelier (${lang})` }).waitFor(WAIT)
        await f.page.getByTestId('now-board').filter({ hasText: `Ancien atelier (${lang})` }).getByTestId('now-board-link').click()
        await f.page.getByTestId('name-input').fill('Awa')
        await f.page.getByTestId('name-submit').click()
        await f.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor(WAIT)
        for (const text of ['Atelier : se déplacer sans voiture', 'Pas de bus après 20 h', 'Freins']) {
          await f.page.locator('.tl-shapes').getByText(text).first().waitFor(WAIT)
        }
        await shot(f.page, `older-board-${lang}-${size.width}`)
        await f.context.close()
      }
    },
    TEST_MS,
  )
})

describe('board management on the lab page', () => {
  it(
    'renames, duplicates, moves, archives (shown under Archives, out of the journey), deletes to the lab’s bin, restores and empties it — at laptop and phone sizes',
    async () => {
      const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Carte des acteurs' })
      const viewer = await newContext(suite.browser, { width: 390, height: 844 })
      await openLab(viewer.page, lab.id, lab.tokens.viewer)
      // Participants and viewers manage nothing.
      expect(await viewer.page.getByTestId('board-manage').count()).toBe(0)
      expect(await viewer.page.getByTestId('lab-bin').count()).toBe(0)

      for (const size of [
        { width: 1280, height: 800 },
        { width: 390, height: 844 },
      ]) {
        const f = await newContext(suite.browser, size)
        const p = f.page
        await openLab(p, lab.id, lab.tokens.facilitator)
        const card = () => p.getByTestId('now-board').filter({ hasText: board.title }).first()
        const current = () => (api<LabView>(suite.server.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator).then((r) => r.body.boards))

        // Rename.
        await card().getByTestId('board-manage').click()
        await shot(p, `manage-${size.width}`)
        const actions = p.getByTestId('board-actions-dialog')
        for (const item of await actions.locator('button.fab-board-actions__item').all()) expect((await item.boundingBox())!.height).toBeGreaterThanOrEqual(44)
        await actions.getByTestId('board-action-rename').click()
        await p.getByTestId('rename-board-input').fill(`${board.title} ${size.width}`)
        await p.getByTestId('rename-board-submit').click()
        await p.getByTestId('boards-notice').waitFor(WAIT)
        board.title = `${board.title} ${size.width}`
        await card().waitFor(WAIT)
        // The viewer's page follows live.
        await viewer.page.getByTestId('now-board').filter({ hasText: board.title }).waitFor(WAIT)

        // Duplicate: the copy appears on the page.
        await card().getByTestId('board-manage').click()
        await p.getByTestId('board-action-duplicate').click()
        await p.getByTestId('duplicate-board-submit').click()
        await p.getByTestId('duplicate-board-done').waitFor(WAIT)
        await shot(p, `duplicated-${size.width}`)
        await p.keyboard.press('Escape')
        await p.getByTestId('now-board').filter({ hasText: `${board.title} (copie)` }).waitFor(WAIT)
        const copy = (await current()).find((b: Board) => b.title === `${board.title} (copie)`)!

        // Move the copy to another phase, then archive it: out of the journey, under Archives.
        await p.getByTestId('now-board').filter({ hasText: copy.title }).getByTestId('board-manage').click()
        await p.getByTestId('board-action-move').click()
        await p.getByTestId('move-board-phase').selectOption('deploiement')
        await p.getByTestId('move-board-submit').click()
        await p.getByTestId('phase-deploiement').getByText(copy.title).waitFor(WAIT)
        await p.getByTestId('phase-deploiement').getByTestId('board-manage').first().click()
        await p.getByTestId('board-action-archive').click()
        await p.getByTestId('boards-notice').filter({ hasText: 'archivé' }).waitFor(WAIT)
        await expect.poll(() => p.getByTestId('phase-deploiement').getByText(copy.title).count(), WAIT).toBe(0)
        await p.getByTestId('archived-boards').locator('summary').click()
        await p.getByTestId('archived-board').filter({ hasText: copy.title }).waitFor(WAIT)
        await viewer.page.getByTestId('archived-boards').waitFor(WAIT)

        // Delete the copy: it goes to the lab's bin; restore it; delete again and empty the bin.
        await p.getByTestId('archived-board').filter({ hasText: copy.title }).getByTestId('board-manage').click()
        await p.getByTestId('board-action-delete').click()
        await shot(p, `delete-confirm-${size.width}`)
        await p.getByTestId('delete-board-confirm').click()
        await p.getByTestId('lab-bin').locator('summary').click()
        await p.getByTestId('binned-board').filter({ hasText: copy.title }).waitFor(WAIT)
        await shot(p, `bin-${size.width}`)
        await p.getByTestId('binned-board').filter({ hasText: copy.title }).getByTestId('binned-board-restore').click()
        await p.getByTestId('archived-board').filter({ hasText: copy.title }).waitFor(WAIT)
        expect((await current()).some((b: Board) => b.id === copy.id)).toBe(true)
        await p.getByTestId('archived-board').filter({ hasText: copy.title }).getByTestId('board-manage').click()
        await p.getByTestId('board-action-delete').click()
        await p.getByTestId('delete-board-confirm').click()
        await p.getByTestId('binned-board').filter({ hasText: copy.title }).waitFor(WAIT)
        await p.getByTestId('lab-bin-empty').click()
        await shot(p, `bin-empty-confirm-${size.width}`)
        await p.getByTestId('lab-bin-empty-confirm').click()
        await expect.poll(() => p.getByTestId('binned-board').count(), WAIT).toBe(0)
        expect((await api(suite.server.url, 'POST', `/api/boards/${copy.id}/restore`, {}, lab.tokens.facilitator)).status).toBe(404)
        // Nothing on the page is wider than the screen.
        expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width)
        await f.context.close()
      }
      await viewer.context.close()
    },
    TEST_MS,
  )

  it(
    'the board menu: a facilitator renames (the bar follows) and deletes the board they are on (back to the lab, a participant on it told it was deleted); everyone may export it as .tldr',
    async () => {
      const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier du soir' })
      const participant = await newContext(suite.browser, { width: 390, height: 844 })
      await openBoard(participant.page, suite.server.url, board.id, lab.tokens.participant, 'Awa')
      await participant.page.getByTestId('open-board-menu').click()
      await participant.page.getByTestId('board-menu-export-tldr').waitFor(WAIT)
      expect(await participant.page.getByTestId('board-menu-rename').count()).toBe(0)
      await shot(participant.page, 'board-menu-participant-390')
      await participant.page.keyboard.press('Escape')

      const f = await newContext(suite.browser, { width: 390, height: 844 })
      await openBoard(f.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
      await f.page.getByTestId('open-board-menu').click()
      await shot(f.page, 'board-menu-facilitator-390')
      await f.page.getByTestId('board-menu-rename').click()
      await f.page.getByTestId('rename-board-input').fill('Atelier du soir — suite')
      await f.page.getByTestId('rename-board-submit').click()
      await f.page.getByTestId('board-action-done').waitFor(WAIT)
      await f.page.keyboard.press('Escape')
      expect((await api<{ board: Board }>(suite.server.url, 'GET', `/api/boards/${board.id}`, undefined, lab.tokens.viewer)).body.board.title).toBe('Atelier du soir — suite')
      // The bar shows the new title at once, without a reload.
      expect(await f.page.getByTestId('board-title').textContent()).toContain('Atelier du soir — suite')
      await f.page.getByTestId('open-board-menu').click()
      await f.page.getByTestId('board-menu-delete').click()
      await f.page.getByTestId('delete-board-confirm').click()
      await f.page.waitForURL(`**/lab/${lab.id}`, WAIT)
      await f.page.getByTestId('timeline').waitFor(WAIT)
      expect(await f.page.getByTestId('now-board').count()).toBe(0)
      // The participant still on it was disconnected for good, and told why.
      await participant.page.getByTestId('board-gone-notice').waitFor(WAIT)
      expect(await participant.page.getByTestId('board-gone-notice').textContent()).toContain('Ce tableau a été supprimé')
      await shot(participant.page, 'board-gone-390')
      await f.context.close()
      await participant.context.close()
    },
    TEST_MS,
  )
})
