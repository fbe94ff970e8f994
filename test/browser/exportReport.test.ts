import fs from 'node:fs'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Board, CreatedLab } from '../../shared/lab'
import { newContext } from '../support/browser'
import { createNote, openBoard } from '../support/browserBoard'
import { useBrowserSuite } from '../support/browserSuite'
import { pdfInfo, pdfPagesText, pdfToPngs, squash } from '../support/pdftotext'
import { api } from '../support/testServer'
import { LOOK_DIR, offOrigin, today, vote, WAIT, waitForAuthors } from './exportSupport'

/**
 * The lab report in real Chromium: made from the lab page, every chosen board read from the
 * server and drawn out of sight, one PDF read back with poppler.
 */
const suite = useBrowserSuite()

const TEST_MS = 300_000

const LAB = {
  title: 'Labo mobilité solidaire — Vénissieux',
  theme: 'Se déplacer quand on n’a ni voiture ni horaires de bureau',
  territory: 'Métropole de Lyon',
  startDate: '2024-09-16',
  phase: 'emergence',
  members: [
    { name: 'Métropole de Lyon', family: 'public' },
    { name: 'Keolis', family: 'entreprise' },
    { name: 'Régie de quartier Armstrong', family: 'ess' },
    { name: 'Laboratoire Aménagement Économie Transports', family: 'recherche' },
  ],
  activities: { detecter: 'done', mobiliser: 'done', explorer: 'in-progress' },
}

/** A lab with its details filled in, and boards: one with notes and a vote, one from a template, one archived. */
async function labWithBoards(): Promise<{ lab: CreatedLab; notes: Board; tree: Board; archived: Board }> {
  const base = suite.server.url
  const created = await api<CreatedLab>(base, 'POST', '/api/labs', { title: LAB.title })
  const lab = created.body
  const token = lab.tokens.facilitator
  const { title: _title, ...details } = LAB
  expect((await api(base, 'PATCH', `/api/labs/${lab.id}`, details, token)).status).toBe(200)
  const board = async (body: Record<string, unknown>) => (await api<Board>(base, 'POST', `/api/labs/${lab.id}/boards`, body, token)).body
  const notes = await board({ title: 'Idées pour les horaires décalés', phase: 'emergence' })
  const tree = await board({ title: 'Arbre à problèmes', phase: 'detection', template: 'arbre-a-problemes' })
  const archived = await board({ title: 'Brouillon abandonné', phase: 'emergence' })
  expect((await api(base, 'PATCH', `/api/boards/${archived.id}`, { archived: true }, token)).status).toBe(200)
  return { lab, notes, tree, archived }
}

/** Makes the report from the lab page in `lang` with the boards offered by default, and returns the PDF. */
async function makeReport(page: Page, lang: 'fr' | 'en'): Promise<{ name: string; pdf: Buffer }> {
  await page.getByTestId('open-report').click()
  const dialog = page.getByTestId('report-dialog')
  await dialog.getByTestId(`report-lang-${lang}`).check()
  if (LOOK_DIR) await page.screenshot({ path: `${LOOK_DIR}/report-dialog-${lang}.png` })
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), dialog.getByTestId('report-generate').click()])
  await dialog.locator('[data-testid="report-status"][data-state="done"]').waitFor(WAIT)
  const pdf = fs.readFileSync(await download.path())
  await page.keyboard.press('Escape')
  return { name: download.suggestedFilename(), pdf }
}

describe('the lab report', () => {
  it('one PDF from the lab page: the lab, its members, the four phases, each board with its picture, notes and vote results — in French and in English, nothing off origin', async () => {
    const { lab, notes, tree, archived } = await labWithBoards()
    const fatou = await newContext(suite.browser)
    await openBoard(fatou.page, suite.server.url, notes.id, lab.tokens.facilitator, 'Fatou')
    await createNote(fatou.page, 'Navette solidaire le dimanche matin', 0, 0)
    await createNote(fatou.page, 'Covoiturage entre équipes de nuit', 240, 0)
    await waitForAuthors(fatou.page, 2)
    const ids = await fatou.page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      return Object.fromEntries(editor.getCurrentPageShapes().filter((s: any) => s.type === 'note').map((s: any) => [editor.getShapeUtil(s).getText(s), s.id]))
    })
    await vote(fatou.page, 'Que tester en premier ?', [
      [ids['Covoiturage entre équipes de nuit'], 3],
      [ids['Navette solidaire le dimanche matin'], 1],
    ])

    // A named checkpoint, as a facilitator names the end of a workshop.
    const checkpoint = await api(suite.server.url, 'POST', `/api/boards/${notes.id}/checkpoints`, { name: 'Fin de l’atelier du 12 mars' }, lab.tokens.facilitator)
    expect(checkpoint.status).toBe(201)

    await fatou.page.goto(`${suite.server.url}/lab/${lab.id}#t=${lab.tokens.facilitator}`)
    await fatou.page.getByTestId('open-report').click()
    // Offered: every board but the archived one.
    const offered = await fatou.page.getByTestId('report-board').evaluateAll((boxes) => boxes.map((b) => [b.getAttribute('data-board-id'), (b as HTMLInputElement).checked]))
    expect(Object.fromEntries(offered)).toEqual({ [tree.id]: true, [notes.id]: true, [archived.id]: false })
    await fatou.page.keyboard.press('Escape')

    const fr = await makeReport(fatou.page, 'fr')
    expect(fr.name).toBe(`Labo mobilité solidaire — Vénissieux – Rapport – ${today()}.pdf`)
    expect(pdfInfo(fr.pdf).Title).toBe(`${LAB.title} — Rapport du labo`)
    if (LOOK_DIR) {
      fs.writeFileSync(`${LOOK_DIR}/report-fr.pdf`, fr.pdf)
      pdfToPngs(fr.pdf, `${LOOK_DIR}/report-fr`, 60)
    }
    const text = squash(pdfPagesText(fr.pdf).join(' '))
    for (const expected of [
      'Rapport du labo d’innovation sociale',
      LAB.title,
      LAB.theme,
      LAB.territory,
      '16 septembre 2024',
      'Détection',
      'Émergence',
      'Expérimentation',
      'Déploiement',
      'Régie de quartier Armstrong',
      'Explorer la problématique en adoptant une vision systémique — En cours',
      'Mobiliser les acteurs de l’écosystème — Fait',
      'Idées pour les horaires décalés',
      'Arbre à problèmes',
      'Navette solidaire le dimanche matin',
      'Que tester en premier ?',
      '1. Covoiturage entre équipes de nuit — 3 gommettes',
      '2. Navette solidaire le dimanche matin — 1 gommette',
      'Étapes enregistrées',
      'Fin de l’atelier du 12 mars',
    ])
      expect(text, expected).toContain(expected)
    // The template's example notes, under their zone.
    expect(text).toContain('Plus de bus après 20 h')
    expect(text).not.toContain('Brouillon abandonné')
    // Each board starts a page: the lab's pages, then one or more per board.
    expect(Number(pdfInfo(fr.pdf).Pages)).toBeGreaterThanOrEqual(4)

    const en = await makeReport(fatou.page, 'en')
    expect(en.name).toBe(`Labo mobilité solidaire — Vénissieux – Report – ${today()}.pdf`)
    const english = squash(pdfPagesText(en.pdf).join(' '))
    for (const expected of ['Social innovation lab report', 'Detection', 'Emergence', 'Experimentation', 'Deployment', 'The journey', '1. Covoiturage entre équipes de nuit — 3 dots'])
      expect(english, expected).toContain(expected)
    if (LOOK_DIR) pdfToPngs(en.pdf, `${LOOK_DIR}/report-en`, 60)

    expect(offOrigin(fatou.requests, suite.server.url)).toEqual([])
    await fatou.context.close()
  }, TEST_MS)
})
