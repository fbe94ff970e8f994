// `npm run screenshots`: one board per template, opened in headless Chromium at phone
// (390×844), tablet (820×1180), projector (1280×720) and large-screen (1920×1080) sizes, in
// French and English. PNGs go to screenshots/. Look at them: labels legible (the board opens
// on its first zone), French text inside its zones, no panel over what is framed.
import fs from 'node:fs'
import path from 'node:path'
import type { IssuedIdentity } from '../shared/identity'
import type { CreatedLab, Board } from '../shared/lab'
import type { TemplateSummary } from '../shared/templates/types'
import { ensureClientBuilt, launchBrowser, newContext } from '../test/support/browser'
import { api, startServer } from '../test/support/testServer'

const OUT = path.resolve(process.argv[2] ?? 'screenshots')
const only = process.env.TEMPLATES?.split(',').filter(Boolean)
const sizes = {
  phone: { width: 390, height: 844 },
  tablet: { width: 820, height: 1180 },
  projector: { width: 1280, height: 720 },
  large: { width: 1920, height: 1080 },
} as const

ensureClientBuilt()
fs.mkdirSync(OUT, { recursive: true })
const server = await startServer({ STATIC_DIR: 'dist/client' })
const browser = await launchBrowser()
try {
  const lab = (await api<CreatedLab>(server.url, 'POST', '/api/labs', { title: 'Captures' })).body
  // One identity for every capture, as if this device had joined the lab before.
  const identity = (await api<IssuedIdentity>(server.url, 'POST', `/api/labs/${lab.id}/identities`, { name: 'Capture' }, lab.tokens.participant)).body
  const templates = (await api<TemplateSummary[]>(server.url, 'GET', '/api/templates')).body.filter((t) => !only || only.includes(t.id))
  for (const lang of ['fr', 'en'] as const) {
    for (const template of templates) {
      const board = (await api<Board>(server.url, 'POST', `/api/labs/${lab.id}/boards`, { title: template.title[lang], phase: template.phase, template: template.id, lang }, lab.tokens.facilitator)).body
      for (const [sizeName, viewport] of Object.entries(sizes)) {
        const { page, context } = await newContext(browser, viewport)
        await page.addInitScript(([l, identities]) => {
          localStorage.setItem('fabrique.lang', l!)
          localStorage.setItem('fabrique.identities', identities!)
        }, [lang, JSON.stringify({ [lab.id]: identity })])
        await page.goto(`${server.url}/board/${board.id}#t=${lab.tokens.participant}`)
        await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
        await page.waitForFunction(() => document.fonts.status === 'loaded')
        await page.waitForTimeout(600)
        const file = path.join(OUT, `${template.phase}-${template.id}-${lang}-${sizeName}.png`)
        await page.screenshot({ path: file })
        await context.close()
        console.log(file)
      }
    }
  }
} finally {
  await browser.close()
  await server.stop()
}
