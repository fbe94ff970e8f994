import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureClientBuilt, newContext } from '../support/browser'
import { useBrowserSuite } from '../support/browserSuite'
import { CHROMIUM_ARGS, findChromium } from '../support/chromium'
import { createLabAndBoard, startServer, type TestServer } from '../support/testServer'

const suite = useBrowserSuite()

/** A device: a Chromium profile on disk, so closing it and opening it again keeps what it stored. */
async function device(dir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(dir, { executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 800 } })
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (err) => process.stderr.write(`[page error] ${err.stack}\n`))
  return { context, page }
}

const connectionState = (page: Page) => page.getByTestId('connection-state').getAttribute('data-state')
const noteTexts = (page: Page) =>
  page.evaluate(() => {
    const editor = (window as any).fabriqueEditor
    if (!editor) return [] as string[]
    return editor
      .getCurrentPageShapes()
      .filter((s: any) => s.type === 'note')
      .map((s: any) => s.meta?.offlineText ?? '')
      .filter(Boolean) as string[]
  })

let cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {})
})

describe('offline that survives a reload', () => {
  it('a board visited before opens with no network, keeps a note written offline across closing the browser, and sends it when the network is back', async () => {
    ensureClientBuilt()
    let server: TestServer = await startServer({ STATIC_DIR: 'dist/client' })
    cleanups.push(() => server.stop())
    const { lab, board } = await createLabAndBoard(server.url, { title: 'Hôtel Wi-Fi' })
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-device-'))
    cleanups.push(async () => fs.rmSync(profile, { recursive: true, force: true }))

    // First visit, online: the service worker keeps the app, IndexedDB the board.
    let phone = await device(profile)
    await phone.page.goto(`${server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await phone.page.getByTestId('name-input').fill('Yasmine')
    await phone.page.getByTestId('name-submit').click()
    await expect.poll(() => connectionState(phone.page), { timeout: 20_000 }).toBe('live')
    await expect
      .poll(() => phone.page.evaluate(async () => !!navigator.serviceWorker.controller && (await (await caches.open('fabrique-shell-v1')).keys()).length > 2), { timeout: 20_000 })
      .toBe(true)

    // The network goes: the server is gone.
    const { port, dataDir } = server
    await server.stop()
    await expect.poll(() => connectionState(phone.page), { timeout: 20_000 }).toBe('offline')
    await phone.page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      editor.createShape({ type: 'note', x: 200, y: 200, meta: { offlineText: 'écrit sans réseau' } })
    })
    await expect.poll(() => phone.page.getByTestId('pending-changes').getAttribute('data-count')).not.toBeNull()

    // The browser is closed, then opened again with still no network.
    await phone.context.close()
    phone = await device(profile)
    cleanups.push(() => phone.context.close())
    await phone.page.goto(`${server.url}/board/${board.id}`)
    await phone.page.getByTestId('board-canvas').waitFor({ timeout: 20_000 })
    await expect.poll(() => noteTexts(phone.page), { timeout: 20_000 }).toEqual(['écrit sans réseau'])
    expect(await connectionState(phone.page)).toBe('offline')
    expect(Number(await phone.page.getByTestId('pending-changes').getAttribute('data-count'))).toBeGreaterThan(0)
    // Still writable offline after the reload.
    await phone.page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      editor.createShape({ type: 'note', x: 500, y: 200, meta: { offlineText: 'après le rechargement' } })
    })

    // The network comes back: everything arrives, and another person sees it.
    server = await startServer({ STATIC_DIR: 'dist/client', PORT: String(port) }, dataDir)
    cleanups.push(() => server.stop())
    await expect.poll(() => connectionState(phone.page), { timeout: 30_000 }).toBe('live')
    expect(await phone.page.getByTestId('pending-changes').count()).toBe(0)
    const other = await newContext(suite.browser)
    cleanups.push(() => other.context.close())
    await other.page.goto(`${server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await other.page.getByTestId('name-input').fill('Paul')
    await other.page.getByTestId('name-submit').click()
    await expect.poll(() => noteTexts(other.page).then((t) => t.sort()), { timeout: 20_000 }).toEqual(['après le rechargement', 'écrit sans réseau'])
  })
})

describe('no secret in any URL', () => {
  it('every request a browser makes while using a lab and a board (upgrades included) holds no secret', async () => {
    const { server } = suite
    const { lab, board } = await createLabAndBoard(server.url, { title: 'Journal du proxy' })
    const { context, page, requests } = await newContext(suite.browser)
    cleanups.push(() => context.close())
    const sockets: string[] = []
    page.on('websocket', (ws) => sockets.push(ws.url()))
    const referers: string[] = []
    context.on('request', (req) => {
      const referer = req.headers()['referer']
      if (referer) referers.push(referer)
    })
    await page.goto(`${server.url}/lab/${lab.id}#t=${lab.tokens.facilitator}`)
    await page.getByTestId('lab-title').waitFor()
    await page.goto(`${server.url}/board/${board.id}#t=${lab.tokens.participant}`)
    await page.getByTestId('name-input').fill('Awa')
    await page.getByTestId('name-submit').click()
    await expect.poll(() => connectionState(page), { timeout: 20_000 }).toBe('live')
    // A reconnect takes a new ticket.
    await page.evaluate(() => void (window as any).fabriqueEditor.createShape({ type: 'note', x: 0, y: 0 }))
    const identity = await page.evaluate(() => JSON.stringify(localStorage.getItem('fabrique.identities')))
    const identitySecret = (JSON.parse(JSON.parse(identity)) as Record<string, { secret: string }>)[lab.id]!.secret

    expect(sockets.length).toBeGreaterThan(0)
    for (const url of sockets) expect(url).toMatch(/\/sync\/[A-Za-z0-9_-]+\?ticket=/)
    const log = [...requests, ...sockets, ...referers]
    expect(log.length).toBeGreaterThan(5)
    for (const secret of [lab.tokens.facilitator, lab.tokens.participant, lab.tokens.viewer, identitySecret]) {
      for (const line of log) expect(line).not.toContain(secret)
    }
  })
})
