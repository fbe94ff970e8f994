import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { getRecordsMap } from '../../shared/boardDoc'
import { newContext } from '../support/browser'
import { createNote, noteTexts, openBoard } from '../support/browserBoard'
import { useBrowserSuite } from '../support/browserSuite'
import { waitFor } from '../support/providers'
import { textOf } from '../support/records'
import { createLabAndBoard } from '../support/testServer'

const suite = useBrowserSuite()

/** Texts of the notes the server holds for a board. */
async function serverNotes(boardId: string): Promise<string[]> {
  const room = await suite.server.server.rooms.getRoom(boardId)
  await room.settle()
  return [...getRecordsMap(room.doc).values()].filter((r) => r.typeName === 'shape' && r.type === 'note').map((r) => textOf(r)!).sort()
}

/** A board from the iceberg template, a facilitator and a participant in two browsers. */
async function workshop() {
  const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier', template: 'iceberg' })
  const facilitator = await newContext(suite.browser)
  const participant = await newContext(suite.browser)
  await openBoard(facilitator.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
  await openBoard(participant.page, suite.server.url, board.id, lab.tokens.participant, 'Paul')
  return { lab, board, facilitator, participant }
}

async function pressOnCanvas(page: Page, ...keys: string[]): Promise<void> {
  // Focus the canvas (a spot on its left edge, clear of tldraw's panels).
  await page.locator('.tl-canvas').click({ position: { x: 80, y: 400 } })
  for (const key of keys) await page.keyboard.press(key)
}

describe('the canvas follows the server’s authority', () => {
  it('a participant’s Ctrl+A, Delete removes only their own notes, and says why the others stay', async () => {
    const { board, facilitator, participant } = await workshop()
    const templateNotes = await serverNotes(board.id)
    expect(templateNotes.length).toBeGreaterThan(0)
    await createNote(facilitator.page, 'Note de l’animatrice', 2000, 0)
    await createNote(participant.page, 'Paul un', 2000, 300)
    await createNote(participant.page, 'Paul deux', 2300, 300)
    await expect.poll(() => serverNotes(board.id)).toEqual([...templateNotes, 'Note de l’animatrice', 'Paul deux', 'Paul un'].sort())
    await expect.poll(() => noteTexts(participant.page)).toContain('Note de l’animatrice')

    await pressOnCanvas(participant.page, 'Control+a', 'Delete')
    await expect.poll(() => noteTexts(participant.page)).toEqual([...templateNotes, 'Note de l’animatrice'].sort())
    await participant.page.getByTestId('refusal-notice').getByText('Vous ne pouvez supprimer que vos propres notes.').waitFor()
    await expect.poll(() => serverNotes(board.id)).toEqual([...templateNotes, 'Note de l’animatrice'].sort())
    await expect.poll(() => noteTexts(facilitator.page)).toEqual([...templateNotes, 'Note de l’animatrice'].sort())
    // The locked zones are all still there, locked.
    const locked = await participant.page.evaluate(() => (window as any).fabriqueEditor.getCurrentPageShapes().filter((s: any) => s.meta?.part === 'zone' && s.isLocked).length)
    expect(locked).toBeGreaterThan(0)
    await facilitator.context.close()
    await participant.context.close()
  })

  it('the facilitator freezes the board: the participant cannot edit, then can again once unfrozen', async () => {
    const { board, facilitator, participant } = await workshop()
    await facilitator.page.getByTestId('editing-mode').selectOption('frozen')
    await participant.page.locator('[data-testid="editing-mode-badge"][data-mode="frozen"]').getByText('Tableau figé').waitFor()
    await expect.poll(() => participant.page.evaluate(() => (window as any).fabriqueEditor.getIsReadonly())).toBe(true)
    // Trying as a person would: the note tool, then a click on the canvas.
    const before = await serverNotes(board.id)
    await pressOnCanvas(participant.page, 'n')
    await participant.page.locator('.tl-canvas').click({ position: { x: 120, y: 450 } })
    // The facilitator still writes: once that note is on the server, the participant's attempt was processed.
    await createNote(facilitator.page, 'Pendant la pause', 2000, 0)
    await expect.poll(() => serverNotes(board.id)).toEqual([...before, 'Pendant la pause'].sort())
    expect(await noteTexts(participant.page)).toEqual([...before, 'Pendant la pause'].sort())

    await facilitator.page.getByTestId('editing-mode').selectOption('open')
    await expect.poll(() => participant.page.evaluate(() => (window as any).fabriqueEditor.getIsReadonly())).toBe(false)
    expect(await participant.page.getByTestId('editing-mode-badge').count()).toBe(0)
    await createNote(participant.page, 'Après la pause', 2300, 300)
    await expect.poll(() => serverNotes(board.id)).toContain('Après la pause')
    await facilitator.context.close()
    await participant.context.close()
  })

  it('the facilitator removes a participant: their tab says so, and they cannot come back until readmitted', async () => {
    const { facilitator, participant } = await workshop()
    await facilitator.page.getByTestId('open-people').click()
    const panel = facilitator.page.getByTestId('people-panel')
    await panel.getByTestId('person').filter({ hasText: 'Paul' }).waitFor()
    facilitator.page.once('dialog', (dialog) => void dialog.accept())
    await panel.getByTestId('person').filter({ hasText: 'Paul' }).getByTestId('remove-person').click()
    await participant.page.getByTestId('removed-notice').getByText('L’animation vous a retiré·e de ce tableau.').waitFor()
    await panel.getByTestId('removed-person').filter({ hasText: 'Paul' }).waitFor()
    // A reload does not bring them back.
    await participant.page.reload()
    await participant.page.getByTestId('removed-notice').waitFor()
    // Readmitted: the same person (same identity, kept by the browser) is back on the board.
    await panel.getByTestId('removed-person').filter({ hasText: 'Paul' }).getByTestId('readmit-person').click()
    await waitFor(async () => (await panel.getByTestId('removed-person').count()) === 0, 'the removed list emptied')
    await participant.page.reload()
    await participant.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    await panel.getByTestId('person').filter({ hasText: 'Paul' }).waitFor()
    await facilitator.context.close()
    await participant.context.close()
  })
})
