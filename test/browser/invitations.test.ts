import type { Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { newContext } from '../support/browser'
import { useBrowserSuite } from '../support/browserSuite'
import { api, createLabAndBoard } from '../support/testServer'

const suite = useBrowserSuite()

let closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0)) await c().catch(() => {})
})

async function device(viewport?: { width: number; height: number }) {
  const d = await newContext(suite.browser, viewport)
  closers.push(() => d.context.close())
  return d
}

/** Answers the next confirm() with `accept`, and gives its message. */
function answerConfirm(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.message())
      void (accept ? dialog.accept() : dialog.dismiss())
    })
  })
}

const linkOf = (page: Page, role: string) => page.getByTestId(`invite-${role}`).locator('input').inputValue()
const secretOf = (link: string) => new URL(link).hash.replace('#t=', '')

describe('invitations that cannot be lost', () => {
  it('a facilitator on another device sees the links; replacing one closes who used it, the old link is refused in French, the others keep working', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier clés' })
    // The room's PC: it never created the lab.
    const pc = await device()
    await pc.page.goto(`${suite.server.url}/lab/${lab.id}#t=${lab.tokens.facilitator}`)
    await pc.page.getByTestId('invite').waitFor()
    expect(secretOf(await linkOf(pc.page, 'participant'))).toBe(lab.tokens.participant)
    expect(secretOf(await linkOf(pc.page, 'viewer'))).toBe(lab.tokens.viewer)
    // The test server has no PUBLIC_URL: links point to 127.0.0.1, which phones cannot reach.
    await expect.poll(() => pc.page.getByTestId('invite-localhost').textContent()).toContain('PUBLIC_URL')

    // Projected full screen for the room.
    await pc.page.getByTestId('invite-participant-project').click()
    await pc.page.getByTestId('qr-fullscreen').waitFor()
    const qr = await pc.page.getByTestId('qr-fullscreen').locator('svg').boundingBox()
    expect(qr!.width).toBeGreaterThan(400)
    await pc.page.keyboard.press('Escape')
    await pc.page.getByTestId('qr-fullscreen').waitFor({ state: 'detached' })

    // A participant and a viewer are on the board.
    const participant = await device()
    await participant.page.goto(`${suite.server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await participant.page.getByTestId('name-input').fill('Nadia')
    await participant.page.getByTestId('name-submit').click()
    await participant.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    const viewer = await device()
    await viewer.page.goto(`${suite.server.url}/board/${board.id}#t=${lab.tokens.viewer}`)
    await viewer.page.getByTestId('name-input').fill('Observateur')
    await viewer.page.getByTestId('name-submit').click()
    await viewer.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()

    // Dismissing the question changes nothing.
    const asked = answerConfirm(pc.page, false)
    await pc.page.getByTestId('invite-participant-rotate').click()
    expect(await asked).toContain('L’ancien cesse de marcher')
    expect(secretOf(await linkOf(pc.page, 'participant'))).toBe(lab.tokens.participant)

    const confirmed = answerConfirm(pc.page, true)
    await pc.page.getByTestId('invite-participant-rotate').click()
    await confirmed
    await pc.page.getByTestId('invite-notice').waitFor()
    await expect.poll(async () => secretOf(await linkOf(pc.page, 'participant'))).not.toBe(lab.tokens.participant)
    const fresh = secretOf(await linkOf(pc.page, 'participant'))

    // Whoever used the old link is told, in French; the viewer is untouched.
    await participant.page.getByTestId('revoked-notice').waitFor({ timeout: 15_000 })
    expect(await participant.page.getByTestId('revoked-notice').textContent()).toContain('Ce lien n’ouvre plus ce tableau')
    expect(await viewer.page.getByTestId('connection-state').getAttribute('data-state')).toBe('live')

    // The old link, opened fresh, is refused with a French explanation and a way home.
    const late = await device()
    await late.page.goto(`${suite.server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await late.page.getByTestId('error').waitFor()
    expect(await late.page.getByTestId('error').textContent()).toContain('Cette clé n’ouvre pas ce labo')
    await late.page.getByTestId('error-home').click()
    await late.page.getByTestId('lab-title-input').waitFor()

    // The new one works, and the server agrees.
    expect((await api(suite.server.url, 'GET', `/api/labs/${lab.id}`, undefined, fresh)).body.role).toBe('participant')
    expect((await api(suite.server.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.participant)).status).toBe(403)
  })

  it('a correct link pasted over a wrong one in the same tab is picked up without reloading', async () => {
    const { lab } = await createLabAndBoard(suite.server.url, { title: 'Lien recollé' })
    const { page } = await device()
    await page.goto(`${suite.server.url}/lab/${lab.id}#t=${'x'.repeat(32)}`)
    await page.getByTestId('error').waitFor()
    expect(await page.getByTestId('error').textContent()).toContain('Cette clé n’ouvre pas ce labo')
    await page.evaluate((t) => (location.hash = `#t=${t}`), lab.tokens.participant)
    await expect.poll(() => page.getByTestId('lab-title').textContent()).toBe(lab.title)
  })

  it('forgetting a lab on a device asks first and says what it means; counts read right in French and English', async () => {
    const { lab } = await createLabAndBoard(suite.server.url, { title: 'Labo à oublier' })
    const { page } = await device()
    await page.goto(`${suite.server.url}/lab/${lab.id}#t=${lab.tokens.facilitator}`)
    await page.getByTestId('lab-title').waitFor()
    await expect.poll(() => page.getByTestId('lab-progress').textContent()).toMatch(/^0 activité faite sur \d+$/)
    await page.evaluate(() => localStorage.setItem('fabrique.lang', 'en'))
    await page.reload()
    await expect.poll(() => page.getByTestId('lab-progress').textContent()).toMatch(/^0 of \d+ activities done$/)
    await page.evaluate(() => localStorage.setItem('fabrique.lang', 'fr'))

    await page.goto(`${suite.server.url}/`)
    const remembered = page.getByTestId('remembered-labs')
    await remembered.getByText(lab.title).waitFor()
    const question = answerConfirm(page, false)
    await page.getByTestId(`forget-${lab.id}`).click()
    expect(await question).toContain('Le labo n’est pas supprimé')
    expect(await remembered.getByText(lab.title).count()).toBe(1)
    const again = answerConfirm(page, true)
    await page.getByTestId(`forget-${lab.id}`).click()
    await again
    await page.getByText('Aucun labo ouvert sur cet appareil').waitFor()
    expect(await page.evaluate(() => localStorage.getItem('fabrique.labs'))).not.toContain(lab.id)
  })
})
