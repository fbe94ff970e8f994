import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import type { Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { newContext } from '../support/browser'
import { createNote, openBoard } from '../support/browserBoard'
import { useBrowserSuite } from '../support/browserSuite'
import { pdfInfo, pdfPagesText, pdfToPngs, squash } from '../support/pdftotext'
import { api, createLabAndBoard } from '../support/testServer'
import { exportVia, LOOK_DIR, offOrigin, today, vote, WAIT, waitForAuthors } from './exportSupport'

/**
 * Exports in real Chromium, from the board menu as a person uses it: the board, a frame, the
 * selection as PNG, SVG and PDF, the notes as CSV and Markdown — read back with a PNG decoder,
 * poppler and a CSV parser.
 */
const suite = useBrowserSuite()

const TEST_MS = 240_000

const FRAME_A = 'Idées de départ'
const FRAME_B = 'Pistes d’action'
const NOTES = {
  mobilite: { frame: 'a', text: 'Mobilité « douce » à Vénissieux', x: 40, y: 80 },
  creche: { frame: 'a', text: 'Crèche ouverte le soir\nPour les parents en horaires décalés', x: 280, y: 80 },
  epicerie: { frame: 'b', text: 'Cœur de quartier : l’épicerie ; café', x: 40, y: 80 },
  merci: { frame: 'b', text: 'Dire "merci" aux bénévoles, même à 5 €', x: 280, y: 80, color: 'light-blue' },
} as const
type NoteKey = keyof typeof NOTES

/** Two frames side by side, two notes in each, written by the person on `page`. */
async function drawBoard(page: Page): Promise<Record<NoteKey, string>> {
  return page.evaluate(
    ({ notes, frameA, frameB }) => {
      const editor = (window as any).fabriqueEditor
      const frames = { a: 'shape:frame-a', b: 'shape:frame-b' }
      editor.createShapes([
        { id: frames.a, type: 'frame', x: 0, y: 0, props: { w: 520, h: 360, name: frameA } },
        { id: frames.b, type: 'frame', x: 600, y: 0, props: { w: 520, h: 360, name: frameB } },
      ])
      const ids: Record<string, string> = {}
      for (const [key, note] of Object.entries(notes)) {
        ids[key] = `shape:note-${key}`
        const content = note.text.split('\n').map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] }))
        const color = 'color' in note ? { color: note.color } : {}
        editor.createShape({ id: ids[key], type: 'note', parentId: frames[note.frame], x: note.x, y: note.y, props: { richText: { type: 'doc', content }, ...color } })
      }
      editor.selectNone()
      return ids
    },
    { notes: NOTES, frameA: FRAME_A, frameB: FRAME_B },
  ) as Promise<Record<NoteKey, string>>
}

/** Page bounds as the editor has them. */
function pageBounds(page: Page, shapeId?: string): Promise<{ w: number; h: number }> {
  return page.evaluate((id) => {
    const editor = (window as any).fabriqueEditor
    const b = id ? editor.getShapePageBounds(id) : editor.getCurrentPageBounds()
    return { w: b.w, h: b.h }
  }, shapeId)
}

/** How many distinct colours a PNG has (a blank picture has one). */
function colours(png: PNG): number {
  const seen = new Set<number>()
  for (let i = 0; i < png.data.length; i += 4 * 7) seen.add(png.data.readUInt32BE(i))
  return seen.size
}

describe('exports from the board menu', () => {
  it('PNG, SVG and PDF of the board, a frame and the selection; the notes as CSV and Markdown with zone, author, colour and votes — nothing leaves Fabrique', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier / quartier : « Vénissieux »' })
    const fatou = await newContext(suite.browser)
    await openBoard(fatou.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
    const ids = await drawBoard(fatou.page)
    await waitForAuthors(fatou.page, 4)
    await vote(fatou.page, 'Quelles priorités ?', [
      [ids.creche, 2],
      [ids.epicerie, 1],
    ])
    const base = `Labo test – Atelier - quartier - « Vénissieux » – ${today()}`

    // PNG of the whole board: a real picture of the board's size (its bounds, a 32-unit margin, 2 pixels a unit).
    const png = await exportVia(fatou.page, { what: 'board', format: 'png' })
    expect(png.name).toBe(`${base}.png`)
    const image = PNG.sync.read(png.data)
    const bounds = await pageBounds(fatou.page)
    expect(image.width).toBe(Math.floor((bounds.w + 64) * 2))
    expect(image.height).toBe(Math.floor((bounds.h + 64) * 2))
    expect(colours(image)).toBeGreaterThan(20)

    // A frame alone: edge to edge.
    const framePng = await exportVia(fatou.page, { what: 'zone', zone: FRAME_B, format: 'png' })
    expect(framePng.name).toBe(`Labo test – Atelier - quartier - « Vénissieux » – ${FRAME_B} – ${today()}.png`)
    const frameImage = PNG.sync.read(framePng.data)
    const frameBounds = await pageBounds(fatou.page, 'shape:frame-b')
    expect([frameImage.width, frameImage.height]).toEqual([Math.floor(frameBounds.w * 2), Math.floor(frameBounds.h * 2)])

    // SVG: well-formed, the notes' text in it, fonts embedded rather than fetched.
    const svg = (await exportVia(fatou.page, { what: 'board', format: 'svg' })).data.toString('utf8')
    const parsed = await fatou.page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml')
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName, text: doc.documentElement.textContent ?? '' }
    }, svg)
    expect(parsed.error).toBeNull()
    expect(parsed.root).toBe('svg')
    expect(squash(parsed.text)).toContain('Vénissieux')
    expect(squash(parsed.text)).toContain('l’épicerie')
    expect(svg).toMatch(/@font-face[^}]*url\(["']?data:/)

    // PDF: one page per frame, each with its title and its notes as text, accents intact.
    const pdf = await exportVia(fatou.page, { what: 'board', format: 'pdf' })
    expect(pdf.name).toBe(`${base}.pdf`)
    if (LOOK_DIR) {
      pdfToPngs(pdf.data, `${LOOK_DIR}/board-pdf`, 70)
      fs.writeFileSync(`${LOOK_DIR}/board.pdf`, pdf.data)
    }
    expect(pdfInfo(pdf.data).Pages).toBe('2')
    const pages = pdfPagesText(pdf.data).map(squash)
    expect(pages).toHaveLength(2)
    expect(pages[0]).toContain(FRAME_A)
    expect(pages[1]).toContain(FRAME_B)
    for (const key of Object.keys(NOTES) as NoteKey[]) expect(pages[NOTES[key].frame === 'a' ? 0 : 1]).toContain(squash(NOTES[key].text))

    // CSV: UTF-8 with a BOM, `;` for French Excel, one row per note, line breaks kept.
    const csv = await exportVia(fatou.page, { what: 'board', format: 'csv', shot: 'export-dialog-laptop' })
    expect(csv.name).toBe(`${base}.csv`)
    expect([...csv.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const rows: string[][] = parse(csv.data, { bom: true, delimiter: ';', relax_column_count: false })
    expect(rows[0]).toEqual(['Zone', 'Texte', 'Auteur', 'Couleur', 'Gommettes'])
    const byText = new Map(rows.slice(1).map((r) => [r[1], r]))
    expect(rows).toHaveLength(5)
    const votes: Record<NoteKey, string> = { mobilite: '0', creche: '2', epicerie: '1', merci: '0' }
    for (const key of Object.keys(NOTES) as NoteKey[]) {
      const note = NOTES[key]
      // tldraw draws its default note colour pale yellow.
      const colour = 'color' in note ? 'bleu clair' : 'jaune pâle'
      expect(byText.get(note.text), note.text).toEqual([note.frame === 'a' ? FRAME_A : FRAME_B, note.text, 'Fatou', colour, votes[key]])
    }
    // In the board's reading order: the first frame's notes, then the second's.
    expect(rows.slice(1).map((r) => r[0])).toEqual([FRAME_A, FRAME_A, FRAME_B, FRAME_B])

    // Comma-separated for an English Excel: the same table.
    const csvComma = await exportVia(fatou.page, { what: 'board', format: 'csv', separator: ',' })
    expect(parse(csvComma.data, { bom: true, delimiter: ',' })).toEqual(rows)

    // Markdown: a table per zone, then the vote's ranking.
    const md = (await exportVia(fatou.page, { what: 'board', format: 'md' })).data.toString('utf8')
    expect(md).toContain(`## ${FRAME_A}`)
    expect(md).toContain(`## ${FRAME_B}`)
    expect(md).toContain('| Crèche ouverte le soir<br>Pour les parents en horaires décalés | Fatou | jaune pâle | 2 |')
    expect(md).toContain('| Dire "merci" aux bénévoles, même à 5 € | Fatou | bleu clair | 0 |')
    expect(md).toMatch(/### Quelles priorités \? \(.+\)/)
    expect(md).toContain('1. Crèche ouverte le soir / Pour les parents en horaires décalés — 2 gommettes')

    // The selection: only the selected notes, in every format.
    await fatou.page.evaluate((id) => void (window as any).fabriqueEditor.select(id), ids.merci)
    const selectionCsv = await exportVia(fatou.page, { what: 'selection', format: 'csv' })
    expect(selectionCsv.name).toBe(`Labo test – Atelier - quartier - « Vénissieux » – Sélection – ${today()}.csv`)
    const selectionRows: string[][] = parse(selectionCsv.data, { bom: true, delimiter: ';' })
    expect(selectionRows.slice(1).map((r) => r[1])).toEqual([NOTES.merci.text])
    const selectionPdf = await exportVia(fatou.page, { what: 'selection', format: 'pdf' })
    expect(pdfInfo(selectionPdf.data).Pages).toBe('1')
    expect(squash(pdfPagesText(selectionPdf.data)[0]!)).toContain(NOTES.merci.text)

    expect(offOrigin(fatou.requests, suite.server.url)).toEqual([])
    await fatou.context.close()
  }, TEST_MS)

  it('a viewer exports too; a board made from a template prints on one page, and a zone of it alone', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Arbre', template: 'arbre-a-problemes' })
    // On a phone.
    const viewer = await newContext(suite.browser, { width: 390, height: 844 })
    await openBoard(viewer.page, suite.server.url, board.id, lab.tokens.viewer, 'Valérie')
    await viewer.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    const pdf = await exportVia(viewer.page, { what: 'board', format: 'pdf', shot: 'export-dialog-phone' })
    expect(pdfInfo(pdf.data).Pages).toBe('1')
    const zones = await viewer.page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      return editor
        .getCurrentPageShapes()
        .filter((s: any) => s.meta?.part === 'zone')
        .map((s: any) => ({ id: s.id, zone: s.meta.zone }))
    })
    expect(zones.length).toBeGreaterThan(1)
    const csv = await exportVia(viewer.page, { what: 'board', format: 'csv' })
    const rows: string[][] = parse(csv.data, { bom: true, delimiter: ';' })
    // The template's example notes, each in a named zone, attributed to the template.
    expect(rows.length).toBeGreaterThan(1)
    for (const row of rows.slice(1)) {
      expect(row[0]).not.toBe('')
      expect(row[2]).toBe('Exemple du modèle')
    }
    // One zone alone: cut at its edge with a 16-unit margin, and only its notes.
    const causes = zones.find((z: { zone: string }) => z.zone === 'causes')!
    const zonePng = PNG.sync.read((await exportVia(viewer.page, { what: 'zone', zone: 'Causes', format: 'png' })).data)
    const causesBounds = await pageBounds(viewer.page, causes.id)
    expect([zonePng.width, zonePng.height]).toEqual([Math.floor((causesBounds.w + 32) * 2), Math.floor((causesBounds.h + 32) * 2)])
    const zoneRows: string[][] = parse((await exportVia(viewer.page, { what: 'zone', zone: 'Causes', format: 'csv' })).data, { bom: true, delimiter: ';' })
    expect(zoneRows.slice(1).map((r) => [r[0], r[1]])).toEqual([['Causes › Causes principales', 'Plus de bus après 20\u00a0h']])
    if (LOOK_DIR) pdfToPngs(pdf.data, `${LOOK_DIR}/template-pdf`, 70)
    expect(offOrigin(viewer.requests, suite.server.url)).toEqual([])
    await viewer.context.close()
  }, TEST_MS)

  it('a checkpoint shown read-only exports that state, named after the checkpoint and dated by it', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier' })
    const fatou = await newContext(suite.browser)
    await openBoard(fatou.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
    await createNote(fatou.page, 'Écrit pendant l’atelier', 0, 0)
    await waitForAuthors(fatou.page, 1)
    const checkpoint = await api<{ id: string; createdAt: string }>(suite.server.url, 'POST', `/api/boards/${board.id}/checkpoints`, { name: 'Fin de l’atelier' }, lab.tokens.facilitator)
    expect(checkpoint.status).toBe(201)
    await createNote(fatou.page, 'Ajouté après', 300, 0)
    await waitForAuthors(fatou.page, 2)

    await fatou.page.goto(`${suite.server.url}/board/${board.id}?checkpoint=${checkpoint.body.id}`)
    await fatou.page.getByTestId('checkpoint-canvas').waitFor(WAIT)
    const csv = await exportVia(fatou.page, { what: 'board', format: 'csv', bar: 'checkpoint-bar' })
    const day = new Date(checkpoint.body.createdAt)
    const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`
    expect(csv.name).toBe(`Labo test – Atelier – Fin de l’atelier – ${iso}.csv`)
    const rows: string[][] = parse(csv.data, { bom: true, delimiter: ';' })
    expect(rows.slice(1).map((r) => [r[1], r[2]])).toEqual([['Écrit pendant l’atelier', 'Fatou']])
    await fatou.context.close()
  }, TEST_MS)

  it('a board with frames and notes outside them: a page per frame, then one for the rest', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier' })
    const fatou = await newContext(suite.browser)
    await openBoard(fatou.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
    await fatou.page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      editor.createShape({ id: 'shape:frame-only', type: 'frame', x: 0, y: 0, props: { w: 400, h: 300, name: 'Le cadre' } })
      editor.createShape({ type: 'note', parentId: 'shape:frame-only', x: 40, y: 40, props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Dans le cadre' }] }] } } })
    })
    await createNote(fatou.page, 'À côté du cadre', 600, 0)
    const pdf = (await exportVia(fatou.page, { what: 'board', format: 'pdf' })).data
    expect(pdfInfo(pdf).Pages).toBe('2')
    const [framePage, rest] = pdfPagesText(pdf).map(squash)
    expect(framePage).toContain('Le cadre')
    expect(framePage).toContain('Dans le cadre')
    expect(framePage).not.toContain('À côté du cadre')
    expect(rest).toContain('Hors des cadres')
    expect(rest).toContain('À côté du cadre')
    await fatou.context.close()
  }, TEST_MS)
})
