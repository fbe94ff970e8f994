import type { Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { ensureClientBuilt, launchBrowser } from './browser'
import { startServer, type TestServer } from './testServer'

/**
 * For a browser test file: builds the client if needed, starts a real server serving it and
 * one Chromium, shared by the file's tests, and stops them afterwards.
 */
export function useBrowserSuite(): { readonly server: TestServer; readonly browser: Browser } {
  let server: TestServer | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    ensureClientBuilt()
    server = await startServer({ STATIC_DIR: 'dist/client' })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })
  return {
    get server() {
      if (!server) throw new Error('useBrowserSuite: server not started yet')
      return server
    },
    get browser() {
      if (!browser) throw new Error('useBrowserSuite: browser not started yet')
      return browser
    },
  }
}
