import type { Browser, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { getIndices } from '@tldraw/utils'
import { getRecordsMap } from '../../shared/boardDoc'
import type { CreatedLab, Board } from '../../shared/lab'
import { noteRecord } from '../../shared/noteRecord'
import { connect, waitFor } from '../support/providers'
import { newContext } from '../support/browser'
import { useBrowserSuite } from '../support/browserSuite'
import { api, startServer } from '../support/testServer'

/**
 * A template board opens legibly on phones, tablets and projectors, on the zone that matters,
 * out from under tldraw's panels; the zone bar moves between zones; the board bar fits 360 px.
 * Sizes are measured in Chromium (rendered text and panel rectangles), never judged by eye.
 */

const suite = useBrowserSuite()

const LEGIBLE = 11.95
const PHONE = { width: 390, height: 844 }
const TABLET = { width: 820, height: 1180 }
const PROJECTOR = { width: 1280, height: 720 }
const NARROW = { width: 360, height: 740 }

interface Rect {
  x: number
  y: number
  w: number
  h: number
}

async function createBoard(base: string, template: string, lang: 'fr' | 'en', title = template): Promise<{ lab: CreatedLab; board: Board }> {
  const lab = (await api<CreatedLab>(base, 'POST', '/api/labs', { title: 'Lisibilité' })).body
  const board = await api<Board>(base, 'POST', `/api/labs/${lab.id}/boards`, { title, phase: 'emergence', template, lang }, lab.tokens.facilitator)
  expect(board.status).toBe(201)
  return { lab, board: board.body }
}

/** Opens a board in a new browser context of `viewport`, in `lang`, as a new person. */
async function open(browser: Browser, base: string, boardId: string, token: string, viewport: { width: number; height: number }, lang: 'fr' | 'en' = 'fr', options: { reducedMotion?: 'reduce' } = {}) {
  const { page, context } = await newContext(browser, viewport)
  if (options.reducedMotion) await page.emulateMedia({ reducedMotion: options.reducedMotion })
  await page.addInitScript((l) => localStorage.setItem('fabrique.lang', l), lang)
  await page.goto(`${base}/board/${boardId}#t=${token}`)
  await page.getByTestId('name-input').fill('Lecteur')
  await page.getByTestId('name-submit').click()
  await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
  await page.waitForFunction(() => document.fonts.status === 'loaded')
  await settled(page)
  return { page, context }
}

/** Waits until the camera has stopped moving (animations, the opening's second framing). */
async function settled(page: Page): Promise<void> {
  let last = ''
  await expect
    .poll(
      async () => {
        const now = await page.evaluate(() => JSON.stringify((window as any).fabriqueEditor.getCamera()))
        const still = now === last
        last = now
        return still
      },
      { interval: 150, timeout: 10_000 },
    )
    .toBe(true)
}

interface TextOnScreen {
  part: string
  zone: string | null
  text: string
  /** Font size on screen: computed font size × the canvas transform's scale. */
  px: number
  rect: Rect
}

/** Every template label, prompt and note on screen, with its rendered size, read from the DOM. */
function textsOnScreen(page: Page): Promise<TextOnScreen[]> {
  return page.evaluate(() => {
    const editor = (window as any).fabriqueEditor
    const out: TextOnScreen[] = []
    for (const el of document.querySelectorAll('.tl-shape')) {
      const shape = editor.getShape(el.getAttribute('data-shape-id'))
      if (!shape) continue
      const part = shape.type === 'note' ? 'note' : shape.meta?.part
      if (part !== 'note' && part !== 'prompt' && part !== 'label') continue
      const text = el.querySelector('.tl-rich-text') as HTMLElement | null
      if (!text || !text.offsetWidth) continue
      const r = text.getBoundingClientRect()
      if (r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) continue
      const px = parseFloat(getComputedStyle(text).fontSize) * (r.width / text.offsetWidth)
      out.push({ part, zone: shape.meta?.zone ?? null, text: text.textContent ?? '', px, rect: { x: r.left, y: r.top, w: r.width, h: r.height } })
    }
    return out
  })
}

/** Rectangles of tldraw's panels (and Fabrique's bars inside them) on screen. */
function panelRects(page: Page): Promise<{ name: string; rect: Rect }[]> {
  return page.evaluate(() => {
    const selectors = ['.tlui-menu-zone', '.fab-board-bar', '.tlui-style-panel__wrapper', '.tlui-main-toolbar__inner', '.tlui-navigation-panel', '.tlui-share-zone', '.fab-zone-nav']
    return selectors.flatMap((selector) =>
      [...document.querySelectorAll(selector)]
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.width > 0 && r.height > 0)
        .map((r) => ({ name: selector, rect: { x: r.left, y: r.top, w: r.width, h: r.height } })),
    )
  })
}

/**
 * The on-screen rectangle of a template zone (clipped to the window), the zoom, and whether the
 * zone is framed: wholly on screen when it fits at this zoom, else its top-left part with its label.
 */
function zoneOnScreen(page: Page, zoneKey: string): Promise<{ rect: Rect; zoom: number; framed: boolean } | null> {
  return page.evaluate((key) => {
    const editor = (window as any).fabriqueEditor
    const shape = editor.getCurrentPageShapes().find((s: any) => s.meta?.part === 'zone' && s.meta?.zone === key)
    if (!shape) return null
    const b = editor.getShapePageBounds(shape)
    const tl = editor.pageToViewport({ x: b.minX, y: b.minY })
    const br = editor.pageToViewport({ x: b.maxX, y: b.maxY })
    const x = Math.max(0, tl.x)
    const y = Math.max(0, tl.y)
    const rect = { x, y, w: Math.max(0, Math.min(innerWidth, br.x) - x), h: Math.max(0, Math.min(innerHeight, br.y) - y) }
    const fitsX = br.x - tl.x <= innerWidth
    const fitsY = br.y - tl.y <= innerHeight
    // Whole along each side that fits; from its top-left corner along a side that does not.
    const framed = tl.x >= -0.5 && tl.y >= -0.5 && (fitsX ? br.x <= innerWidth + 0.5 : tl.x < innerWidth / 2) && (fitsY ? br.y <= innerHeight + 0.5 : tl.y < innerHeight / 2)
    return { rect, zoom: editor.getZoomLevel(), framed }
  }, zoneKey)
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5
}

describe('a blank board full of notes opens legibly', () => {
  it('at 390×844, a blank board with 300 notes spread wide opens on their top-left part, its notes at 12 px or more', async () => {
    const lab = (await api<CreatedLab>(suite.server.url, 'POST', '/api/labs', { title: 'Beaucoup de notes' })).body
    const board = (await api<Board>(suite.server.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'Mur' }, lab.tokens.facilitator)).body
    const writer = connect(suite.server.wsUrl, board.id, lab.tokens.facilitator)
    await waitFor(() => writer.provider.synced, 'writer synced')
    const indices = getIndices(301).slice(1)
    writer.doc.transact(() => {
      for (let i = 0; i < 300; i++) {
        const id = `shape:mur-${i}`
        getRecordsMap(writer.doc).set(id, noteRecord({ id, parentId: 'page:page', x: (i % 20) * 260, y: Math.floor(i / 20) * 260, index: indices[i]!, text: `Idée ${i + 1}` }))
      }
    })
    const room = await suite.server.server.rooms.getRoom(board.id)
    await waitFor(() => getRecordsMap(room.doc).size >= 300, 'the notes stored')
    writer.provider.destroy()
    const { page, context } = await open(suite.browser, suite.server.url, board.id, lab.tokens.participant, PHONE)
    const notes = (await textsOnScreen(page)).filter((t) => t.part === 'note')
    expect(notes.length).toBeGreaterThan(0)
    for (const t of notes) expect(t.px, `note “${t.text}”`).toBeGreaterThanOrEqual(LEGIBLE)
    // Reading starts at the top-left: the first note is on screen.
    expect(notes.map((t) => t.text)).toContain('Idée 1')
    await context.close()
  })
})

describe('a template board opens legibly', () => {
  for (const [size, viewport] of Object.entries({ phone: PHONE, tablet: TABLET, projector: PROJECTOR })) {
    it(`at ${viewport.width}×${viewport.height} (${size}), prompts and notes show at 12 px or more, on the first zone`, async () => {
      for (const [template, firstZone] of [
        ['iceberg', 'events'],
        ['cartographie-acteurs', 'a-mobiliser'],
      ] as const) {
        const { lab, board } = await createBoard(suite.server.url, template, 'fr')
        const { page, context } = await open(suite.browser, suite.server.url, board.id, lab.tokens.participant, viewport)
        const texts = await textsOnScreen(page)
        const prompts = texts.filter((t) => t.part === 'prompt')
        // The first zone's prompt is on screen, and so is every text shown legible.
        expect(prompts.map((t) => t.zone), `${template} at ${size}`).toContain(firstZone)
        for (const t of texts) expect(t.px, `${t.part} “${t.text.slice(0, 30)}” of ${template} at ${size}`).toBeGreaterThanOrEqual(LEGIBLE)
        // The editor agrees: a note's text (22 page units, the smallest template text) × zoom.
        const zone = await zoneOnScreen(page, firstZone)
        expect(zone!.zoom * 22).toBeGreaterThanOrEqual(LEGIBLE)
        expect(zone!.zoom).toBeLessThanOrEqual(1)
        // The zone bar says which zone this is.
        expect(await page.getByTestId('zone-nav').getAttribute('data-zone-index')).toBe('0')
        await context.close()
      }
    })
  }

  it('at 1280×720, the framed zone is under none of tldraw’s panels', async () => {
    for (const [template, firstZone] of [
      ['iceberg', 'events'],
      ['cartographie-acteurs', 'a-mobiliser'],
    ] as const) {
      for (const lang of ['fr', 'en'] as const) {
        const { lab, board } = await createBoard(suite.server.url, template, lang)
        const { page, context } = await open(suite.browser, suite.server.url, board.id, lab.tokens.facilitator, PROJECTOR, lang)
        const zone = (await zoneOnScreen(page, firstZone))!
        expect(zone.rect.w).toBeGreaterThan(300)
        expect(zone.rect.h).toBeGreaterThan(100)
        const panels = await panelRects(page)
        expect(panels.map((p) => p.name)).toEqual(expect.arrayContaining(['.tlui-style-panel__wrapper', '.tlui-main-toolbar__inner', '.fab-board-bar', '.fab-zone-nav']))
        for (const panel of panels) expect(overlaps(zone.rect, panel.rect), `${template} (${lang}): zone ${JSON.stringify(zone.rect)} under ${panel.name} ${JSON.stringify(panel.rect)}`).toBe(false)
        // tldraw's style panel stays on screen (the board bar does not push it out).
        const style = panels.find((p) => p.name === '.tlui-style-panel__wrapper')!.rect
        expect(style.x + style.w).toBeLessThanOrEqual(PROJECTOR.width)
        await context.close()
      }
    }
  })

  it('a board whose whole template reads at 1920×1080 opens on all of it, never past 100 %', async () => {
    const { lab, board } = await createBoard(suite.server.url, 'iceberg', 'fr')
    const { page, context } = await open(suite.browser, suite.server.url, board.id, lab.tokens.participant, { width: 1920, height: 1080 })
    const view = await page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      const all = editor.getCurrentPageBounds()
      const v = editor.getViewportPageBounds()
      return { inside: all.minX >= v.minX && all.maxX <= v.maxX && all.minY >= v.minY && all.maxY <= v.maxY, zoom: editor.getZoomLevel() }
    })
    expect(view.inside).toBe(true)
    expect(view.zoom * 22).toBeGreaterThanOrEqual(LEGIBLE)
    expect(view.zoom).toBeLessThanOrEqual(1)
    expect(await page.getByTestId('zone-nav').getAttribute('data-overview')).toBe('true')
    await context.close()
  })
})

describe('the zone bar', () => {
  it('previous, next and overview take the camera to the expected zones, by mouse and keyboard, in French and English', async () => {
    const zones = ['events', 'patterns', 'structures', 'mental-models']
    for (const lang of ['fr', 'en'] as const) {
      const { lab, board } = await createBoard(suite.server.url, 'iceberg', lang)
      const { page, context } = await open(suite.browser, suite.server.url, board.id, lab.tokens.participant, PROJECTOR, lang)
      const labels = lang === 'fr' ? { previous: 'Zone précédente', next: 'Zone suivante', overview: 'Vue d’ensemble : tout le tableau', back: 'Revenir à la dernière zone' } : { previous: 'Previous zone', next: 'Next zone', overview: 'Overview: the whole board', back: 'Back to the last zone' }
      const nav = page.getByRole('toolbar', { name: lang === 'fr' ? 'Zones du tableau' : 'Board zones' })
      const button = (name: string) => nav.getByRole('button', { name, exact: true })
      const shows = async (key: string) => {
        await settled(page)
        expect(await page.getByTestId('zone-nav').getAttribute('data-zone-index')).toBe(String(zones.indexOf(key)))
        const zone = (await zoneOnScreen(page, key))!
        expect(zone.framed, `${key} is in view`).toBe(true)
        expect(zone.zoom * 22).toBeGreaterThanOrEqual(LEGIBLE)
        for (const panel of await panelRects(page)) expect(overlaps(zone.rect, panel.rect), `${key} under ${panel.name}`).toBe(false)
      }
      await shows('events')
      await expect.poll(() => page.getByTestId('zone-name').textContent()).toContain(lang === 'fr' ? 'Événements' : 'Events')

      await button(labels.next).click()
      await shows('patterns')
      await expect.poll(() => page.getByTestId('zone-name').textContent()).toContain(lang === 'fr' ? 'Tendances' : 'Patterns')
      await button(labels.next).click()
      await shows('structures')
      await button(labels.previous).click()
      await shows('patterns')

      // The overview shows everything; pressed again, it goes back to the last zone.
      await button(labels.overview).click()
      await settled(page)
      const overview = await page.evaluate(() => {
        const editor = (window as any).fabriqueEditor
        const all = editor.getCurrentPageBounds()
        const v = editor.getViewportPageBounds()
        return all.minX >= v.minX - 1 && all.maxX <= v.maxX + 1 && all.minY >= v.minY - 1 && all.maxY <= v.maxY + 1
      })
      expect(overview).toBe(true)
      expect(await button(labels.back).getAttribute('aria-pressed')).toBe('true')
      await button(labels.back).click()
      await shows('patterns')

      // From the keyboard: the buttons take focus and Enter presses them.
      await button(labels.next).focus()
      await page.keyboard.press('Enter')
      await shows('structures')
      await page.keyboard.press('Enter')
      await shows('mental-models')
      // At the last zone, "next" stays put (and says so).
      expect(await button(labels.next).getAttribute('aria-disabled')).toBe('true')
      await page.keyboard.press('Enter')
      await shows(zones[3]!)
      await context.close()
    }
  })

  it('with reduced motion the camera jumps without animating', async () => {
    const { lab, board } = await createBoard(suite.server.url, 'iceberg', 'fr')
    const { page, context } = await open(suite.browser, suite.server.url, board.id, lab.tokens.participant, PROJECTOR, 'fr', { reducedMotion: 'reduce' })
    // Right after the click, with no frame to animate in, the camera is already on the next zone.
    const before = await page.evaluate(() => (window as any).fabriqueEditor.getCamera().y)
    const after = await page.evaluate(() => {
      ;(document.querySelector('[data-testid="zone-next"]') as HTMLButtonElement).click()
      return (window as any).fabriqueEditor.getCamera().y
    })
    expect(after).not.toBe(before)
    expect((await zoneOnScreen(page, 'patterns'))!.framed).toBe(true)
    await context.close()

    // Without the preference, the same click animates: the camera has not moved yet right after it.
    const moving = await open(suite.browser, suite.server.url, board.id, lab.tokens.participant, PROJECTOR, 'fr')
    const still = await moving.page.evaluate(() => {
      const editor = (window as any).fabriqueEditor
      const y = editor.getCamera().y
      ;(document.querySelector('[data-testid="zone-next"]') as HTMLButtonElement).click()
      return editor.getCamera().y === y
    })
    expect(still).toBe(true)
    await settled(moving.page)
    expect((await zoneOnScreen(moving.page, 'patterns'))!.framed).toBe(true)
    await moving.context.close()
  })

  it('a facilitator opening the board sees what another facilitator is looking at', async () => {
    const { lab, board } = await createBoard(suite.server.url, 'iceberg', 'fr')
    const lead = await open(suite.browser, suite.server.url, board.id, lab.tokens.facilitator, PROJECTOR)
    // The lead goes to the third zone.
    await lead.page.getByTestId('zone-next').click()
    await settled(lead.page)
    await lead.page.getByTestId('zone-next').click()
    await settled(lead.page)
    expect((await zoneOnScreen(lead.page, 'structures'))!.framed).toBe(true)

    // Opened alone, the board shows its first zone, and the third one is not wholly on screen…
    const alone = await open(suite.browser, suite.server.url, board.id, lab.tokens.participant, PROJECTOR)
    const wholly = (z: { rect: Rect } | null) => z !== null && z.rect.w > 0 && z.rect.y > 0 && z.rect.y + z.rect.h < PROJECTOR.height
    expect((await zoneOnScreen(alone.page, 'events'))!.framed).toBe(true)
    expect(wholly(await zoneOnScreen(alone.page, 'structures'))).toBe(false)
    await alone.context.close()

    // …but a facilitator, told who is on the board, opens on what the lead sees.
    const second = await open(suite.browser, suite.server.url, board.id, lab.tokens.facilitator, PROJECTOR)
    await expect
      .poll(async () => {
        await settled(second.page)
        const zone = await zoneOnScreen(second.page, 'structures')
        return wholly(zone) && zone!.rect.h > 100 && zone!.zoom * 22 >= LEGIBLE
      }, { timeout: 10_000 })
      .toBe(true)
    const structures = (await zoneOnScreen(second.page, 'structures'))!
    for (const panel of await panelRects(second.page)) expect(overlaps(structures.rect, panel.rect), `under ${panel.name}`).toBe(false)
    await lead.context.close()
    await second.context.close()
  })
})

describe('at 360×740', () => {
  it('the board bar, its connection badge and the offline message fit beside tldraw’s menus, in French and English', async () => {
    // A server of its own, to go offline by stopping it.
    const server = await startServer({ STATIC_DIR: 'dist/client' })
    const pages: { page: Page; close: () => Promise<void>; label: string }[] = []
    try {
      for (const lang of ['fr', 'en'] as const) {
        const { lab, board } = await createBoard(server.url, 'iceberg', lang, lang === 'fr' ? 'Iceberg de la mobilité solidaire' : 'Inclusive mobility iceberg')
        for (const role of ['facilitator', 'participant'] as const) {
          const { page, context } = await open(suite.browser, server.url, board.id, lab.tokens[role], NARROW, lang)
          pages.push({ page, close: () => context.close(), label: `${role} (${lang})` })
        }
      }
      const check = async (page: Page, label: string) => {
        const m = await page.evaluate(() => {
          const rect = (el: Element | null) => {
            if (!el) return null
            const r = el.getBoundingClientRect()
            return r.width > 0 && r.height > 0 ? { x: r.left, y: r.top, w: r.width, h: r.height } : null
          }
          const bar = document.querySelector('.fab-board-bar') as HTMLElement
          // Everything the bar shows (buttons, select, texts), each must lie inside it.
          const parts = [...bar.querySelectorAll('a, button, select, .fab-board-bar__title, .fab-connection, .fab-connection__label, .fab-readonly, .fab-mode-badge')].map((el) => ({ name: el.className || el.tagName, rect: rect(el) }))
          return {
            scrollWidth: bar.scrollWidth,
            clientWidth: bar.clientWidth,
            bar: rect(bar)!,
            parts,
            menus: [...document.querySelectorAll('.tlui-menu-zone, .tlui-share-zone, .tlui-style-panel__wrapper, .tlui-main-toolbar__inner, .tlui-helper-buttons, .fab-zone-nav')].map((el) => ({ name: el.className.split(' ')[0], rect: rect(el) })),
            width: innerWidth,
          }
        })
        expect(m.scrollWidth, `${label}: the bar overflows`).toBeLessThanOrEqual(m.clientWidth)
        expect(m.bar.x).toBeGreaterThanOrEqual(0)
        expect(m.bar.x + m.bar.w).toBeLessThanOrEqual(m.width)
        for (const part of m.parts) {
          if (!part.rect) continue
          expect(part.rect.x >= m.bar.x - 0.5 && part.rect.x + part.rect.w <= m.bar.x + m.bar.w + 0.5, `${label}: ${part.name} ${JSON.stringify(part.rect)} sticks out of the bar ${JSON.stringify(m.bar)}`).toBe(true)
        }
        for (const menu of m.menus) if (menu.rect) expect(overlaps(m.bar, menu.rect), `${label}: the bar overlaps ${menu.name}`).toBe(false)
        // The zone bar stays clear of tldraw's toolbar and menus too.
        const zoneNav = m.menus.find((x) => x.name === 'fab-zone-nav')!.rect!
        for (const menu of m.menus) if (menu.rect && menu.name !== 'fab-zone-nav') expect(overlaps(zoneNav, menu.rect), `${label}: the zone bar overlaps ${menu.name}`).toBe(false)
        expect(zoneNav.x + zoneNav.w).toBeLessThanOrEqual(m.width)
      }
      for (const { page, label } of pages) await check(page, `${label}, live`)

      await server.stop()
      for (const { page, label } of pages) {
        await page.locator('[data-testid="connection-state"][data-state="offline"]').waitFor({ timeout: 20_000 })
        // The whole message is there (edits are kept), and it fits.
        const message = await page.locator('.fab-connection__label').textContent()
        expect(message).toMatch(label.includes('(fr)') ? /Hors ligne — vos modifications sont gardées/ : /Offline — your changes are kept/)
        await check(page, `${label}, offline`)
      }
    } finally {
      for (const p of pages) await p.close()
      await server.stop().catch(() => {})
    }
  })
})
