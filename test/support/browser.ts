import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, findChromium } from './chromium'

const ROOT = path.resolve(import.meta.dirname, '../..')
const DIST_INDEX = path.join(ROOT, 'dist/client/index.html')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs)
  }
  return newest
}

function isClientFresh(): boolean {
  const built = fs.existsSync(DIST_INDEX) ? fs.statSync(DIST_INDEX).mtimeMs : 0
  const sources = Math.max(newestMtime(path.join(ROOT, 'client')), newestMtime(path.join(ROOT, 'shared')), fs.statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs)
  return built > sources
}

const BUILD_LOCK = path.join(ROOT, 'node_modules/.fabrique-client-build.lock')

/**
 * Builds the client when `dist/` is missing or older than the sources it is built from. Test
 * files run in parallel: one builds while the others wait for it (a second build would empty
 * `dist/` under a server already serving it).
 */
export function ensureClientBuilt(): void {
  const started = Date.now()
  for (;;) {
    if (isClientFresh()) return
    try {
      fs.mkdirSync(BUILD_LOCK)
      break
    } catch {
      // Another file is building; a lock older than 5 minutes belongs to a build that died.
      const age = Date.now() - (fs.statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > 300_000) fs.rmSync(BUILD_LOCK, { recursive: true, force: true })
      else if (Date.now() - started > 600_000) throw new Error('ensureClientBuilt: waited 10 minutes for another build')
      else execFileSync('sleep', ['0.5'])
    }
  }
  try {
    // NODE_ENV=production: vitest sets it to "test", which would make Vite build the development
    // variant (React's dev build, no service worker) instead of what `npm start` serves.
    if (!isClientFresh()) execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  } finally {
    fs.rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true })
}

/**
 * A fresh browser context (its own storage, like another person's device) whose every
 * request is recorded, so tests can check that nothing leaves Fabrique's origin.
 */
export async function newContext(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
  const context = await browser.newContext({ viewport })
  const requests: string[] = []
  context.on('request', (req) => requests.push(req.url()))
  const page = await context.newPage()
  page.on('pageerror', (err) => process.stderr.write(`[page error] ${err.message}\n`))
  return { context, page, requests }
}
