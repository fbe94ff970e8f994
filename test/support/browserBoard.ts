import type { Page } from 'playwright-core'

/** Opens a board as a new person in `page`: the name prompt, then the live canvas. */
export async function openBoard(page: Page, base: string, boardId: string, token: string, name: string): Promise<void> {
  await page.goto(`${base}/board/${boardId}#t=${token}`)
  await page.getByTestId('name-input').fill(name)
  await page.getByTestId('name-submit').click()
  await page.locator('.tl-canvas').waitFor()
  await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
}

/** Text of every note on the current page, read from the editor the page exposes. */
export function noteTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const editor = (window as any).fabriqueEditor
    return editor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'note')
      .map((s: any) => editor.getShapeUtil(s).getText(s) as string)
      .sort()
  })
}

/** Creates a note with `text` at (x, y) in the page, as the person there would. */
export function createNote(page: Page, text: string, x: number, y: number): Promise<void> {
  return page.evaluate(
    ({ text, x, y }) => {
      const editor = (window as any).fabriqueEditor
      editor.createShape({ type: 'note', x, y, props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] } } })
    },
    { text, x, y },
  )
}
