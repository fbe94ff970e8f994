import fs from 'node:fs'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** What the export browser tests share: waiting for authors, running a vote, exporting through the menu. */

export const WAIT = { timeout: 45_000 }

/** Where PDF pages are rendered for a person to look at (`EXPORT_LOOK_DIR=…`); nothing is written otherwise. */
export const LOOK_DIR = process.env.EXPORT_LOOK_DIR

/** Waits until the server has stamped every note with its author (the stamp comes back to the canvas). */
export async function waitForAuthors(page: Page, count: number): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => (window as any).fabriqueEditor.getCurrentPageShapes().filter((s: any) => s.type === 'note' && typeof s.meta?.author === 'string').length), WAIT)
    .toBe(count)
}

/** The facilitator opens a dot vote on the board, puts `dots` on notes, and reveals it. */
export async function vote(page: Page, title: string, dots: [string, number][]): Promise<void> {
  const total = dots.reduce((n, [, d]) => n + d, 0)
  await page.getByTestId('open-workshop-tools').click()
  await page.getByTestId('tool-vote').click()
  await page.getByTestId('vote-title').fill(title)
  await page.getByTestId('vote-scope-board').check()
  await page.getByTestId('vote-dots').fill(String(total))
  await page.getByTestId('vote-open-submit').click()
  await page.locator('[data-testid="vote-status"][data-status="open"]').waitFor(WAIT)
  for (const [noteId, n] of dots) for (let i = 0; i < n; i++) await page.locator(`[data-testid="vote-add"][data-note-id="${noteId}"]`).click()
  await expect.poll(() => page.getByTestId('vote-left').getAttribute('data-left'), WAIT).toBe('0')
  await page.getByTestId('vote-reveal').click()
  await page.getByTestId('vote-results').waitFor(WAIT)
  await page.getByTestId('vote-dismiss').click()
}

export interface Download {
  name: string
  data: Buffer
}

/** Exports through the board menu's « Exporter… » dialog and returns the downloaded file. */
export async function exportVia(page: Page, options: { what: 'board' | 'zone' | 'selection'; zone?: string; format: 'png' | 'svg' | 'pdf' | 'csv' | 'md'; separator?: ';' | ','; bar?: string; shot?: string }): Promise<Download> {
  await (options.bar ? page.getByTestId(options.bar).getByTestId('open-board-menu') : page.getByTestId('open-board-menu')).click()
  await page.getByTestId('board-menu-export').click()
  const dialog = page.getByTestId('export-dialog')
  await dialog.getByTestId(`export-what-${options.what}`).check()
  if (options.zone) await dialog.getByTestId('export-zone').selectOption({ label: options.zone })
  await dialog.getByTestId(`export-format-${options.format}`).check()
  if (options.separator) await dialog.getByTestId('export-separator').selectOption(options.separator)
  if (options.shot && LOOK_DIR) await page.screenshot({ path: `${LOOK_DIR}/${options.shot}.png` })
  const [download] = await Promise.all([page.waitForEvent('download', WAIT), dialog.getByTestId('export-submit').click()])
  await dialog.locator('[data-testid="export-status"][data-state="done"]').waitFor(WAIT)
  const file = await download.path()
  const data = fs.readFileSync(file)
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'detached' })
  return { name: download.suggestedFilename(), data }
}

/** Today as `YYYY-MM-DD`, as file names carry it. */
export function today(): string {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** Requests that left Fabrique's origin. */
export function offOrigin(requests: string[], base: string): string[] {
  return requests.filter((url) => !url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:'))
}

