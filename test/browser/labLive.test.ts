import net from 'node:net'
import type { Browser, Page } from 'playwright-core'
import qrcode from 'qrcode-generator'
import { afterEach, describe, expect, it } from 'vitest'
import type { Board } from '../../shared/lab'
import { newContext } from '../support/browser'
import { useBrowserSuite } from '../support/browserSuite'
import { api, createLabAndBoard } from '../support/testServer'

const suite = useBrowserSuite()

let closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0)) await c().catch(() => {})
})

async function desktop() {
  const d = await newContext(suite.browser)
  closers.push(() => d.context.close())
  return d
}

/** A phone: 390×844, touch, mobile viewport — another person's device. */
async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
  closers.push(() => context.close())
  const page = await context.newPage()
  page.on('pageerror', (err) => process.stderr.write(`[phone page error] ${err.message}\n`))
  return page
}

/** The modules of a QR code drawn by `QrCode` (one `M<col> <row>h1v1h-1z` per dark module), as rows of 0/1. */
async function qrModules(page: Page): Promise<string[]> {
  const svg = page.getByTestId('qr-fullscreen').locator('svg[data-testid="qr-code"]')
  const size = Number((await svg.getAttribute('viewBox'))!.split(' ')[2]) - 4
  const d = (await svg.locator('path').getAttribute('d'))!
  const rows = Array.from({ length: size }, () => Array<string>(size).fill('0'))
  for (const [, col, row] of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) rows[Number(row)]![Number(col)] = '1'
  return rows.map((r) => r.join(''))
}

/** The modules of the QR code of `text`, made independently of the page. */
function expectedModules(text: string): string[] {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const n = qr.getModuleCount()
  return Array.from({ length: n }, (_, row) => Array.from({ length: n }, (_, col) => (qr.isDark(row, col) ? '1' : '0')).join(''))
}

/** A TCP relay to the server that can drop every connection and refuse new ones (a Wi-Fi that comes and goes). */
async function relayTo(port: number) {
  const sockets = new Set<net.Socket>()
  let isDown = false
  const relay = {
    refused: 0,
    url: '',
    down() {
      isDown = true
      for (const s of sockets) s.destroy()
    },
    up() {
      isDown = false
    },
    close: () => new Promise<void>((resolve) => {
      relay.down()
      server.close(() => resolve())
    }),
  }
  const server = net.createServer((client) => {
    if (isDown) {
      relay.refused++
      client.destroy()
      return
    }
    const upstream = net.connect(port, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  relay.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  return relay
}

/** Marks the page, so a test can tell it was never reloaded. */
const markPage = (page: Page) => page.evaluate(() => ((window as any).__notReloaded = true))
const stillSamePage = (page: Page) => page.evaluate(() => (window as any).__notReloaded === true)

describe('one-tap join and the live lab page', () => {
  it('a phone opens a board from its projected QR code in one tap, and the lab page shows them on it while they are there', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier mobilité' })
    const f = (await desktop()).page
    await f.goto(`${suite.server.url}/lab/${lab.id}#t=${lab.tokens.facilitator}`)
    await f.locator('[data-testid="lab-live"][data-state="live"]').waitFor()
    await markPage(f)
    const card = f.getByTestId('now-board').filter({ hasText: 'Atelier mobilité' })
    expect(await card.getByTestId('board-people').getAttribute('data-count')).toBe('0')

    // The board's own invitation: participant and viewer links that open this board.
    await card.getByTestId('board-invite').click()
    const dialog = f.getByTestId('board-invite-dialog')
    const link = await dialog.getByTestId('board-invite-participant').locator('input').inputValue()
    expect(link).toBe(`${suite.server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    expect(await dialog.getByTestId('board-invite-viewer').locator('input').inputValue()).toBe(`${suite.server.url}/board/${board.id}#t=${lab.tokens.viewer}`)

    // Projected full screen: the code on the screen is exactly this link.
    await dialog.getByTestId('board-invite-participant-project').click()
    const projected = f.getByTestId('qr-fullscreen')
    await projected.waitFor()
    expect(await projected.locator('h2').textContent()).toBe('Rejoindre le tableau “Atelier mobilité”')
    expect(await qrModules(f)).toEqual(expectedModules(link))
    expect((await projected.locator('svg').boundingBox())!.width).toBeGreaterThan(400)

    // A phone that scanned it: the name is offered, « Rejoindre » is on screen and large; one tap.
    const p = await phone(suite.browser)
    await p.goto(link)
    const submit = p.getByTestId('name-submit')
    await submit.waitFor()
    expect(await p.getByTestId('name-prompt').locator('h2').textContent()).toBe('Rejoindre « Atelier mobilité »')
    const offered = await p.getByTestId('name-input').inputValue()
    expect(offered.trim().length).toBeGreaterThan(2)
    const button = (await submit.boundingBox())!
    expect(button.height).toBeGreaterThanOrEqual(48)
    expect(button.y + button.height).toBeLessThanOrEqual(844)
    expect(button.width).toBeGreaterThan(300)
    // The keyboard does not pop over the button.
    expect(await p.evaluate(() => document.activeElement?.tagName)).not.toBe('INPUT')
    await submit.tap()
    await p.locator('.tl-canvas').waitFor()
    await p.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    expect(new URL(p.url()).hash).toBe('')

    // The lab page, never reloaded, shows them on the board while they are there.
    await projected.press('Escape')
    await f.keyboard.press('Escape')
    const person = card.getByTestId('board-person')
    await person.first().waitFor()
    expect(await person.getAttribute('data-name')).toBe(offered)
    expect(await card.getByTestId('board-people').textContent()).toContain('1 personne dessus')
    await p.close()
    await expect.poll(() => card.getByTestId('board-people').getAttribute('data-count'), { timeout: 15_000 }).toBe('0')
    expect(await stillSamePage(f)).toBe(true)
  })

  it('on a phone the current phase’s boards come first; they follow the facilitator’s changes without a reload', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Repérage des besoins' })
    const p = await phone(suite.browser)
    await p.goto(`${suite.server.url}/lab/${lab.id}#t=${lab.tokens.participant}`)
    await p.locator('[data-testid="lab-live"][data-state="live"]').waitFor()
    await markPage(p)

    // Above the journey, on the first screen, one column of large cards; participants are not given invitation links.
    const now = p.getByTestId('now-boards')
    const nowBox = (await now.boundingBox())!
    expect(nowBox.y).toBeLessThan((await p.getByTestId('timeline').boundingBox())!.y)
    const firstCard = (await now.getByTestId('now-board-link').first().boundingBox())!
    expect(firstCard.y + 44).toBeLessThan(844)
    expect((await now.getByTestId('now-board').first().boundingBox())!.height).toBeGreaterThanOrEqual(64)
    expect((await now.getByTestId('now-board').first().boundingBox())!.width).toBeGreaterThan(330)
    expect(await p.getByTestId('board-invite').count()).toBe(0)
    expect(await now.getByTestId('now-board').allTextContents()).toEqual([expect.stringContaining('Repérage des besoins')])

    // The facilitator moves the lab to Émergence and makes a board there.
    await api(suite.server.url, 'PATCH', `/api/labs/${lab.id}`, { phase: 'emergence', activities: { explorer: 'in-progress' } }, lab.tokens.facilitator)
    await expect.poll(() => p.getByTestId('now-phase').textContent()).toBe('Phase actuelle : Émergence')
    await expect.poll(() => p.getByTestId('lab-phase').textContent()).toBe('Émergence')
    expect(await p.getByTestId('phase-emergence').getAttribute('aria-current')).toBe('step')
    expect(await p.getByTestId('activity-explorer').getAttribute('data-state')).toBe('in-progress')
    expect(await p.getByTestId('now-empty').isVisible()).toBe(true)
    const created = await api<Board>(suite.server.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'Carte des acteurs', phase: 'emergence' }, lab.tokens.facilitator)
    await expect.poll(() => now.getByTestId('now-board').allTextContents()).toEqual([expect.stringContaining('Carte des acteurs')])
    // The earlier board stays in its phase of the journey.
    expect(await p.getByTestId('phase-detection').getByTestId('board-link').allTextContents()).toEqual(['Repérage des besoins'])
    // And a tap opens the new board.
    expect(await now.getByTestId('now-board-link').getAttribute('href')).toBe(`${suite.server.url}/board/${created.body.id}#t=${lab.tokens.participant}`)
    expect(await stillSamePage(p)).toBe(true)
    expect(board.id).not.toBe(created.body.id)

    // The participant link is replaced: the page says it no longer updates, and why, in French.
    await api(suite.server.url, 'POST', `/api/labs/${lab.id}/tokens/participant/rotate`, {}, lab.tokens.facilitator)
    await p.locator('[data-testid="lab-live"][data-state="stopped"]').waitFor()
    expect(await p.getByTestId('lab-live-stopped').textContent()).toBe(
      'Cette page ne se met plus à jour. Cette clé n’ouvre pas ce labo : le lien est erroné ou a été remplacé par l’animation. Demandez un nouveau lien.',
    )
  })

  it('a dropped connection comes back by itself, with what changed meanwhile', async () => {
    const { lab } = await createLabAndBoard(suite.server.url, { title: 'Avant la coupure' })
    // The hotel Wi-Fi: a relay between the browser and the server that can cut every connection and refuse new ones.
    const wifi = await relayTo(suite.server.port)
    closers.push(() => wifi.close())
    const { page } = await desktop()
    await page.goto(`${wifi.url}/lab/${lab.id}#t=${lab.tokens.viewer}`)
    await page.locator('[data-testid="lab-live"][data-state="live"]').waitFor()
    await markPage(page)
    wifi.down()
    await page.locator('[data-testid="lab-live"][data-state="retrying"]').waitFor()
    expect(await page.getByTestId('lab-live').textContent()).toBe('Reconnexion…')
    await api(suite.server.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'Pendant la coupure' }, lab.tokens.facilitator)
    // It keeps trying while the network is gone (each try refused), then comes back by itself.
    await expect.poll(() => wifi.refused, { timeout: 30_000 }).toBeGreaterThan(0)
    wifi.up()
    await page.locator('[data-testid="lab-live"][data-state="live"]').waitFor({ timeout: 45_000 })
    await expect.poll(() => page.getByTestId('now-board').allTextContents()).toEqual([expect.stringContaining('Pendant la coupure'), expect.stringContaining('Avant la coupure')])
    expect(await stillSamePage(page)).toBe(true)
  })

  it('a facilitator shows a board’s links from the board itself; a participant has no such button', async () => {
    const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Tableau projeté' })
    const f = (await desktop()).page
    await f.goto(`${suite.server.url}/board/${board.id}#t=${lab.tokens.facilitator}`)
    await f.getByTestId('name-submit').click()
    await f.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    await f.getByTestId('open-board-invite').click()
    const dialog = f.getByTestId('board-invite-dialog')
    await expect.poll(() => dialog.getByTestId('board-invite-participant').locator('input').inputValue()).toBe(`${suite.server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await dialog.getByTestId('board-invite-viewer-project').click()
    expect(await f.getByTestId('qr-fullscreen').locator('h2').textContent()).toBe('Suivre le tableau “Tableau projeté”')

    const p = await phone(suite.browser)
    await p.goto(`${suite.server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await p.getByTestId('name-submit').tap()
    await p.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    expect(await p.getByTestId('open-board-invite').count()).toBe(0)
  })
})
