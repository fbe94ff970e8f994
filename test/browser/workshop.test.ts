import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { getRecordsMap } from '../../shared/boardDoc'
import { newContext } from '../support/browser'
import { createNote, noteTexts, openBoard } from '../support/browserBoard'
import { useBrowserSuite } from '../support/browserSuite'
import { textOf } from '../support/records'
import { createLabAndBoard } from '../support/testServer'

/**
 * The facilitator's workshop toolkit in real Chromium: a facilitator and two participants, each
 * in a browser context of their own (another device), on a real server.
 */
const suite = useBrowserSuite()

/** Three browsers on a real board are slow on a small shared machine: generous waits, no threshold on time. */
const TEST_MS = 240_000
const WAIT = { timeout: 45_000 }

type Person = Awaited<ReturnType<typeof newContext>>

/** A device whose clock is `skewMs` off: the timer must still agree with everyone else's. */
async function skewClock(page: Page, skewMs: number): Promise<void> {
  await page.addInitScript((skew) => {
    const realNow = Date.now
    Date.now = () => realNow() + skew
  }, skewMs)
}

type Viewport = { width: number; height: number }

async function workshop(options: { template?: string; skews?: [number, number, number]; phone?: boolean; viewports?: [Viewport, Viewport, Viewport]; lang?: 'fr' | 'en' } = {}) {
  const { lab, board } = await createLabAndBoard(suite.server.url, { title: 'Atelier', ...(options.template && { template: options.template }), ...(options.lang && { lang: options.lang }) })
  const [fv, pv, iv] = options.viewports ?? [undefined, undefined, options.phone ? { width: 390, height: 844 } : undefined]
  const facilitator = await newContext(suite.browser, fv)
  const paul = await newContext(suite.browser, pv)
  const ines = await newContext(suite.browser, iv)
  if (options.lang === 'en') for (const p of [facilitator, paul, ines]) await p.page.addInitScript(() => localStorage.setItem('fabrique.lang', 'en'))
  const [fs, ps, is] = options.skews ?? [0, 0, 0]
  if (fs) await skewClock(facilitator.page, fs)
  if (ps) await skewClock(paul.page, ps)
  if (is) await skewClock(ines.page, is)
  await openBoard(facilitator.page, suite.server.url, board.id, lab.tokens.facilitator, 'Fatou')
  await openBoard(paul.page, suite.server.url, board.id, lab.tokens.participant, 'Paul')
  await openBoard(ines.page, suite.server.url, board.id, lab.tokens.participant, 'Inès')
  const close = async () => {
    for (const p of [facilitator, paul, ines]) await p.context.close()
  }
  return { lab, board, facilitator, paul, ines, everyone: [facilitator, paul, ines] as Person[], close }
}

/** Opens the facilitator's tools menu and picks `tool`. */
async function useTool(page: Page, tool: string): Promise<void> {
  await page.getByTestId('open-workshop-tools').click()
  await page.getByTestId(tool).click()
}

/** Note ids of the board (on the server), by their text. */
async function notesByText(boardId: string): Promise<Record<string, string>> {
  const room = await suite.server.server.rooms.getRoom(boardId)
  await room.settle()
  const out: Record<string, string> = {}
  for (const r of getRecordsMap(room.doc).values()) if (r.typeName === 'shape' && r.type === 'note') out[textOf(r)!] = r.id
  return out
}

/** The counts shown on notes (note id → count), as this person sees them. */
function countsOnNotes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid="vote-count"]')].map((el) => [el.getAttribute('data-note-id'), Number(el.getAttribute('data-count'))])))
}

/** This person's own dots on each note, as drawn on the notes. */
function myDots(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.fab-ballot[data-note-id]')].map((el) => [el.getAttribute('data-note-id'), Number(el.getAttribute('data-mine'))])))
}

/** The middle of what this person sees of the page. */
function viewCenter(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const c = (window as any).fabriqueEditor.getViewportPageBounds().center
    return { x: c.x, y: c.y }
  })
}

function viewContains(page: Page, point: { x: number; y: number }): Promise<boolean> {
  return page.evaluate((p) => (window as any).fabriqueEditor.getViewportPageBounds().containsPoint(p), point)
}

describe('dot voting', () => {
  it('from opening to reveal: each sees only their own dots, then every note shows its count and a ranked list appears', async () => {
    const { board, facilitator, paul, ines, everyone, close } = await workshop({ phone: true })
    // Close together: all three on screen, also on Inès's phone.
    await createNote(facilitator.page, 'Navette solidaire', 0, 0)
    await createNote(facilitator.page, 'Covoiturage', 230, 0)
    await createNote(facilitator.page, 'Vélos partagés', 0, 230)
    await expect.poll(async () => Object.keys(await notesByText(board.id)).length, WAIT).toBe(3)
    const notes = await notesByText(board.id)
    const [navette, covoit, velos] = [notes['Navette solidaire']!, notes['Covoiturage']!, notes['Vélos partagés']!]

    await useTool(facilitator.page, 'tool-vote')
    await facilitator.page.getByTestId('vote-title').fill('Quelles idées retenir ?')
    await facilitator.page.getByTestId('vote-scope-board').check()
    await facilitator.page.getByTestId('vote-dots').fill('3')
    await facilitator.page.getByTestId('vote-open-submit').click()
    for (const p of everyone) await p.page.locator('[data-testid="vote-status"][data-status="open"]').getByText('Vote : Quelles idées retenir ?').waitFor()

    // Paul votes on the notes themselves: two dots on the shuttle, one on car sharing.
    const add = (page: Page, noteId: string) => page.locator(`[data-testid="vote-add"][data-note-id="${noteId}"]`).click()
    await add(paul.page, navette)
    await add(paul.page, navette)
    await add(paul.page, covoit)
    await expect.poll(() => myDots(paul.page), WAIT).toEqual({ [navette]: 2, [covoit]: 1, [velos]: 0 })
    await expect.poll(() => paul.page.getByTestId('vote-left').getAttribute('data-left'), WAIT).toBe('0')
    // No dots left: the buttons say so and place nothing.
    expect(await paul.page.locator(`[data-testid="vote-add"][data-note-id="${velos}"]`).getAttribute('aria-disabled')).toBe('true')

    // Inès, on a phone, votes from the list: the shuttle and the bikes.
    await ines.page.getByTestId('vote-list').click()
    const row = (noteId: string) => ines.page.locator(`[data-testid="ballot-list"] [data-note-id="${noteId}"]`)
    await row(navette).getByRole('button', { name: 'Poser une gommette' }).click()
    await row(velos).getByRole('button', { name: 'Poser une gommette' }).click()
    await expect.poll(() => ines.page.getByTestId('ballot-left').textContent(), WAIT).toBe('Il vous reste 1 gommette sur 3')

    // Two people have voted: everyone knows that much, and nothing more.
    for (const p of everyone) await expect.poll(() => p.page.getByTestId('vote-voters').getAttribute('data-voters'), WAIT).toBe('2')
    expect(await myDots(paul.page)).toEqual({ [navette]: 2, [covoit]: 1, [velos]: 0 })
    expect(await myDots(facilitator.page)).toEqual({ [navette]: 0, [covoit]: 0, [velos]: 0 })
    for (const p of everyone) expect(await countsOnNotes(p.page)).toEqual({})

    await facilitator.page.getByTestId('vote-reveal').click()
    const expected = { [navette]: 3, [covoit]: 1, [velos]: 1 }
    for (const p of everyone) await expect.poll(() => countsOnNotes(p.page), WAIT).toEqual(expected)
    // The ranked list, most dots first (ties in reading order).
    await facilitator.page.getByTestId('vote-results').waitFor()
    const ranked = await facilitator.page.getByTestId('vote-result').evaluateAll((items) => items.map((i) => [i.getAttribute('data-note-id'), Number(i.getAttribute('data-count'))]))
    expect(ranked).toEqual([
      [navette, 3],
      [covoit, 1],
      [velos, 1],
    ])
    expect(await facilitator.page.getByTestId('vote-results').getByText('Navette solidaire').count()).toBe(1)

    // Finished: the counts leave the notes; the vote is kept and can be read again by anyone.
    await facilitator.page.getByTestId('vote-dismiss').click()
    for (const p of everyone) await expect.poll(() => countsOnNotes(p.page), WAIT).toEqual({})
    await paul.page.getByTestId('open-workshop-menu').click()
    await paul.page.getByTestId('tool-history').click()
    await paul.page.getByTestId('vote-history-item').getByText('Quelles idées retenir ?').waitFor()
    await paul.page.getByTestId('vote-history-read').click()
    await expect.poll(() => countsOnNotes(paul.page), WAIT).toEqual(expected)
    // Read here only: the others' notes stay bare.
    expect(await countsOnNotes(ines.page)).toEqual({})
    await close()
  }, TEST_MS)
})

describe('timer', () => {
  it('everyone sees the same time left (±1 s), even on devices whose clocks are wrong; paused, resumed and stopped for all', async () => {
    // Paul's clock is 90 s fast, Inès's 45 s slow: only the server's time counts.
    const { facilitator, paul, ines, everyone, close } = await workshop({ skews: [0, 90_000, -45_000] })
    await useTool(facilitator.page, 'tool-timer')
    await facilitator.page.getByTestId('timer-quick-5').click()
    for (const p of everyone) await p.page.locator('[data-testid="timer"][data-state="running"]').waitFor()

    /** Seconds left shown on each screen, read together. */
    const shown = () => Promise.all(everyone.map((p) => p.page.getByTestId('timer-time').textContent())).then((texts) => texts.map((t) => {
      const [m, s] = t!.split(':').map(Number)
      return m! * 60 + s!
    }))
    // The clocks are measured in the first round trips: wait until every screen is within a second of the others.
    await expect.poll(async () => {
      const seconds = await shown()
      return Math.max(...seconds) - Math.min(...seconds)
    }, WAIT).toBeLessThanOrEqual(1)
    const seconds = await shown()
    for (const s of seconds) {
      expect(s).toBeGreaterThan(4 * 60)
      expect(s).toBeLessThanOrEqual(5 * 60)
    }

    await facilitator.page.getByTestId('timer-pause').click()
    for (const p of everyone) await p.page.locator('[data-testid="timer"][data-state="paused"]').waitFor()
    const paused = await Promise.all(everyone.map((p) => p.page.getByTestId('timer-time').textContent()))
    expect(new Set(paused).size).toBe(1)
    // A participant has no controls; the facilitator adds a minute while paused.
    expect(await paul.page.getByTestId('timer-pause').count()).toBe(0)
    expect(await paul.page.getByTestId('timer-resume').count()).toBe(0)
    await facilitator.page.getByTestId('timer-add').click()
    const [m, s] = paused[0]!.split(':').map(Number)
    const plusMinute = `${m! + 1}:${String(s).padStart(2, '0')}`
    for (const p of everyone) await expect.poll(() => p.page.getByTestId('timer-time').textContent(), WAIT).toBe(plusMinute)

    // Large, for the projector.
    await ines.page.getByTestId('timer-big').click()
    await ines.page.locator('[data-testid="big-timer"][data-state="paused"]').getByText(plusMinute).waitFor()
    await facilitator.page.getByTestId('timer-resume').click()
    await ines.page.locator('[data-testid="big-timer"][data-state="running"]').waitFor()

    await facilitator.page.getByTestId('timer-stop').click()
    for (const p of everyone) await expect.poll(() => p.page.getByTestId('timer').count(), WAIT).toBe(0)
    expect(await ines.page.getByTestId('big-timer').count()).toBe(0)
    await close()
  }, TEST_MS)
})

describe('bring everyone here, follow me', () => {
  it('bring everyone moves both participants’ cameras to what the facilitator sees', async () => {
    const { facilitator, paul, ines, close } = await workshop({ template: 'iceberg' })
    // The facilitator goes to the last zone (without animation); the participants stay on the first.
    await facilitator.page.emulateMedia({ reducedMotion: 'reduce' })
    await facilitator.page.getByTestId('zone-next').click()
    await facilitator.page.getByTestId('zone-next').click()
    await facilitator.page.getByTestId('zone-next').click()
    await expect.poll(() => facilitator.page.getByTestId('zone-nav').getAttribute('data-zone-index'), WAIT).toBe('3')
    const target = await viewCenter(facilitator.page)
    for (const p of [paul, ines]) expect(await viewContains(p.page, target)).toBe(false)

    await useTool(facilitator.page, 'tool-bring')
    for (const p of [paul, ines]) {
      await expect.poll(() => viewContains(p.page, target), WAIT).toBe(true)
      await p.page.getByTestId('workshop-notice').getByText('Fatou vous a amené·e ici').waitFor()
    }
    await close()
  }, TEST_MS)

  it('follow me: participants follow the facilitator’s view, one steps out and back in, a reload keeps following', async () => {
    const { facilitator, paul, ines, close } = await workshop({ template: 'iceberg' })
    const fatouId = await facilitator.page.evaluate(() => (Object.values(JSON.parse(localStorage.getItem('fabrique.identities')!))[0] as { id: string }).id)
    await useTool(facilitator.page, 'tool-follow')
    await facilitator.page.locator('[data-testid="follow-banner"][data-state="leading"]').waitFor()
    for (const p of [paul, ines]) {
      await p.page.locator('[data-testid="follow-banner"][data-state="following"]').getByText('Vous suivez Fatou').waitFor()
      await expect.poll(() => p.page.evaluate(() => (window as any).fabriqueEditor.getInstanceState().followingUserId), WAIT).toBe(`user:${fatouId}`)
    }

    const moveLeader = async (x: number, y: number) => {
      await facilitator.page.evaluate(([px, py]) => void (window as any).fabriqueEditor.centerOnPoint({ x: px, y: py }), [x, y])
      return viewCenter(facilitator.page)
    }
    let target = await moveLeader(3000, 2500)
    for (const p of [paul, ines]) await expect.poll(() => viewContains(p.page, target), WAIT).toBe(true)

    // Paul steps out: the leader's next move leaves him where he is.
    await paul.page.getByTestId('follow-detach').click()
    await paul.page.locator('[data-testid="follow-banner"][data-state="detached"]').getByText('Fatou guide le groupe').waitFor()
    target = await moveLeader(-2500, -1500)
    await expect.poll(() => viewContains(ines.page, target), WAIT).toBe(true)
    expect(await viewContains(paul.page, target)).toBe(false)
    // And back in.
    await paul.page.getByTestId('follow-again').click()
    await expect.poll(() => viewContains(paul.page, target), WAIT).toBe(true)

    // Inès reloads: she follows again at once.
    await ines.page.reload()
    await ines.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    await ines.page.locator('[data-testid="follow-banner"][data-state="following"]').waitFor()
    target = await moveLeader(1200, -3000)
    await expect.poll(() => viewContains(ines.page, target), WAIT).toBe(true)

    await facilitator.page.getByTestId('follow-stop').click()
    for (const p of [paul, ines]) await expect.poll(() => p.page.getByTestId('follow-banner').count(), WAIT).toBe(0)
    await expect.poll(() => paul.page.evaluate(() => (window as any).fabriqueEditor.getInstanceState().followingUserId), WAIT).toBe(null)
    await close()
  }, TEST_MS)
})

describe('agenda and present', () => {
  it('the facilitator sets steps with zones and lengths; presenting brings everyone there, starts the step’s timer, shows what comes next', async () => {
    const { facilitator, paul, ines, everyone, close } = await workshop({ template: 'iceberg' })
    await useTool(facilitator.page, 'tool-agenda')
    const steps = facilitator.page.getByTestId('agenda-step')
    for (const [title, minutes, zone] of [
      ['Regarder les faits', '3', 'Événements'],
      ['Creuser les croyances', '5', 'Modèles mentaux'],
    ] as const) {
      await facilitator.page.getByTestId('agenda-add').click()
      const step = steps.last()
      await step.getByTestId('agenda-step-title').fill(title)
      await step.getByTestId('agenda-step-minutes').fill(minutes)
      await step.getByTestId('agenda-step-target').selectOption({ label: zone })
    }
    await facilitator.page.getByTestId('agenda-present').click()

    for (const p of everyone) {
      await p.page.getByTestId('agenda-current').getByText('Regarder les faits').waitFor()
      await p.page.getByTestId('agenda-next').getByText('Ensuite : Creuser les croyances').waitFor()
      await p.page.locator('[data-testid="timer"][data-state="running"]').waitFor()
    }
    const left = Number(await paul.page.getByTestId('timer').getAttribute('data-remaining-ms'))
    expect(left).toBeGreaterThan(2 * 60_000)
    expect(left).toBeLessThanOrEqual(3 * 60_000)

    await facilitator.page.getByTestId('agenda-next-step').click()
    for (const p of [paul, ines]) {
      await p.page.getByTestId('agenda-current').getByText('Creuser les croyances').waitFor()
      await p.page.getByTestId('agenda-next').getByText('Dernière étape').waitFor()
      // Brought to the step's zone, the last of the iceberg.
      await expect.poll(() => p.page.getByTestId('zone-nav').getAttribute('data-zone-index'), WAIT).toBe('3')
      await expect.poll(async () => Number(await p.page.getByTestId('timer').getAttribute('data-remaining-ms')), WAIT).toBeGreaterThan(4 * 60_000)
    }
    await facilitator.page.getByTestId('agenda-stop').click()
    for (const p of everyone) await expect.poll(() => p.page.getByTestId('agenda-strip').count(), WAIT).toBe(0)
    await close()
  }, TEST_MS)
})

describe('reactions', () => {
  it('a reaction floats on everyone’s screen with its sender’s name; too many too fast are refused quietly', async () => {
    const { paul, everyone, close } = await workshop()
    await paul.page.getByTestId('open-reactions').click()
    await paul.page.locator('[data-testid="reaction-send"][data-emoji="👍"]').click()
    for (const p of everyone) await p.page.locator('[data-testid="reaction"][data-emoji="👍"]').getByText('Paul').waitFor()
    // A burst beyond the rate: the extra ones are refused, the picker says to wait.
    await paul.page.locator('[data-testid="reaction-send"][data-emoji="🎉"]').evaluate((button) => {
      for (let i = 0; i < 10; i++) (button as HTMLButtonElement).click()
    })
    await paul.page.getByTestId('reaction-picker').getByText('Un instant…').waitFor()
    await close()
  }, TEST_MS)
})

describe('private writing round', () => {
  /** Texts of the notes this person's canvas holds. */
  const texts = (page: Page) => noteTexts(page)
  const author = async (boardId: string, text: string) => {
    const room = await suite.server.server.rooms.getRoom(boardId)
    const record = [...getRecordsMap(room.doc).values()].find((r) => r.typeName === 'shape' && textOf(r) === text)
    return (record?.meta as { author?: string } | undefined)?.author
  }

  it('each participant’s notes stay theirs (also across a reload) until the reveal, then appear for everyone, attributed', async () => {
    const { board, facilitator, paul, ines, everyone, close } = await workshop()
    await createNote(facilitator.page, 'Consigne', 0, -300)
    await useTool(facilitator.page, 'tool-private')
    await facilitator.page.getByTestId('private-prompt').fill('Quels freins rencontrez-vous ?')
    await facilitator.page.getByTestId('private-open').click()
    for (const p of [paul, ines]) await p.page.locator('[data-testid="private-banner"][data-status="open"]').getByText('vos notes ne sont visibles que par vous').waitFor()

    await createNote(paul.page, 'Idée de Paul', 0, 0)
    await createNote(ines.page, 'Idée d’Inès', 260, 0)
    await paul.page.locator('[data-testid="private-badge"]').first().waitFor()
    // The server has both (it counts them), and has written neither into the board.
    await expect.poll(() => facilitator.page.getByTestId('private-counts').textContent(), WAIT).toBe('2 personnes ont écrit · 2 notes')
    expect(await notesByText(board.id)).not.toHaveProperty('Idée de Paul')
    expect(await notesByText(board.id)).not.toHaveProperty('Idée d’Inès')
    expect(await texts(facilitator.page)).toEqual(['Consigne'])
    expect(await texts(paul.page)).toEqual(['Consigne', 'Idée de Paul'])
    expect(await texts(ines.page)).toEqual(['Consigne', 'Idée d’Inès'])

    // Paul reloads in the middle of the round: his note is still his, and still private.
    await paul.page.reload()
    await paul.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
    await expect.poll(() => texts(paul.page), WAIT).toEqual(['Consigne', 'Idée de Paul'])
    await paul.page.locator('[data-testid="private-badge"]').first().waitFor()
    // He goes on writing after the reload: that one stays private too.
    await createNote(paul.page, 'Paul, après le rechargement', 0, 260)
    await expect.poll(() => facilitator.page.getByTestId('private-counts').textContent(), WAIT).toBe('2 personnes ont écrit · 3 notes')
    expect(await texts(facilitator.page)).toEqual(['Consigne'])
    expect(await texts(ines.page)).toEqual(['Consigne', 'Idée d’Inès'])

    await facilitator.page.getByTestId('private-reveal').click()
    const all = ['Consigne', 'Idée de Paul', 'Idée d’Inès', 'Paul, après le rechargement'].sort()
    for (const p of everyone) await expect.poll(() => texts(p.page), WAIT).toEqual(all)
    expect(Object.keys(await notesByText(board.id)).sort()).toEqual(all)
    // Attributed: each note to its author, their names on the notes.
    const ids = await Promise.all([paul, ines].map((p) => p.page.evaluate(() => (Object.values(JSON.parse(localStorage.getItem('fabrique.identities')!))[0] as { id: string }).id)))
    expect(await author(board.id, 'Idée de Paul')).toBe(ids[0])
    expect(await author(board.id, 'Idée d’Inès')).toBe(ids[1])
    await facilitator.page.locator('[data-testid="author-tag"]').getByText('Paul').first().waitFor()
    await facilitator.page.locator('[data-testid="author-tag"]').getByText('Inès').waitFor()
    await expect.poll(() => paul.page.locator('[data-testid="private-badge"]').count(), WAIT).toBe(0)
    await close()
  }, TEST_MS)

  it('a note written offline during the round is not lost: once back after the reveal, it goes on the board', async () => {
    const { board, facilitator, paul, close } = await workshop()
    await useTool(facilitator.page, 'tool-private')
    await facilitator.page.getByTestId('private-open').click()
    await paul.page.locator('[data-testid="private-banner"][data-status="open"]').waitFor()
    await createNote(paul.page, 'Avant la coupure', 0, 0)
    await expect.poll(() => facilitator.page.getByTestId('private-counts').textContent(), WAIT).toBe('1 personne a écrit · 1 note')

    // Paul's Wi-Fi drops: no new connection, and the server loses his socket.
    await paul.context.setOffline(true)
    const room = await suite.server.server.rooms.getRoom(board.id)
    for (const c of room.listConnections()) if (c.identity.name === 'Paul') c.close(1001, 'network lost')
    await expect.poll(() => paul.page.getByTestId('connection-state').getAttribute('data-state'), WAIT).toBe('offline')
    await createNote(paul.page, 'Pendant la coupure', 260, 0)
    await paul.page.locator('[data-testid="private-banner"]').getByText('1 note privée en attente d’envoi').waitFor()

    // Revealed meanwhile: the server reveals what it has.
    await facilitator.page.getByTestId('private-reveal').click()
    await expect.poll(() => noteTexts(facilitator.page), WAIT).toEqual(['Avant la coupure'])
    expect(await notesByText(board.id)).not.toHaveProperty('Pendant la coupure')

    // Back online: the round is over, so what was still private here is written on the board.
    await paul.context.setOffline(false)
    await expect.poll(() => noteTexts(facilitator.page), WAIT).toEqual(['Avant la coupure', 'Pendant la coupure'])
    const paulId = await paul.page.evaluate(() => (Object.values(JSON.parse(localStorage.getItem('fabrique.identities')!))[0] as { id: string }).id)
    const records = [...getRecordsMap(room.doc).values()].filter((r) => r.typeName === 'shape' && r.type === 'note')
    expect(records.map((r) => (r.meta as { author?: string }).author)).toEqual([paulId, paulId])
    expect(await noteTexts(paul.page)).toEqual(['Avant la coupure', 'Pendant la coupure'])
    await expect.poll(() => paul.page.locator('[data-testid="private-badge"]').count(), WAIT).toBe(0)
    await close()
  }, TEST_MS)
})

describe('at 360×740', () => {
  type Rect = { x: number; y: number; w: number; h: number }
  const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

  /** The board bar, the workshop strip and tldraw's menus as this person sees them. */
  function layout(page: Page) {
    return page.evaluate(() => {
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect()
        return { x: r.left, y: r.top, w: r.width, h: r.height }
      }
      const visible = (el: Element) => el.getBoundingClientRect().width > 0
      const bar = document.querySelector('.fab-board-bar')!
      const strip = document.querySelector('[data-testid="workshop-strip"]')
      return {
        width: innerWidth,
        bar: rect(bar),
        barOverflows: bar.scrollWidth > bar.clientWidth,
        barParts: [...bar.querySelectorAll('a, button, select')].filter(visible).map((el) => ({ name: el.getAttribute('data-testid') ?? el.className, rect: rect(el) })),
        strip: strip ? rect(strip) : null,
        rows: [...document.querySelectorAll('.fab-workshop-strip > *')].map((el) => ({ name: el.getAttribute('data-testid') ?? el.className, rect: rect(el), overflows: el.scrollWidth > el.clientWidth + 1 })),
        menus: [...document.querySelectorAll('.tlui-menu-zone, .tlui-share-zone, .tlui-style-panel__wrapper, .tlui-main-toolbar__inner, .tlui-helper-buttons')].filter(visible).map((el) => ({ name: el.className.split(' ')[0]!, rect: rect(el) })),
      }
    })
  }

  for (const lang of ['fr', 'en'] as const) {
    it(`the bar with the workshop buttons and the strip under it fit beside tldraw’s menus (${lang})`, async () => {
      const narrow = { width: 360, height: 740 }
      const { facilitator, paul, ines, close } = await workshop({ template: 'iceberg', viewports: [narrow, narrow, narrow], lang })
      // The facilitator's menu opens inside the screen.
      await facilitator.page.getByTestId('open-workshop-tools').click()
      const menu = await facilitator.page.getByTestId('workshop-menu').boundingBox()
      expect(menu!.x).toBeGreaterThanOrEqual(0)
      expect(menu!.x + menu!.width).toBeLessThanOrEqual(narrow.width)
      await facilitator.page.getByTestId('tool-follow').click()
      await useTool(facilitator.page, 'tool-private')
      await facilitator.page.getByTestId('private-open').click()
      await useTool(facilitator.page, 'tool-timer')
      await facilitator.page.getByTestId('timer-quick-10').click()
      for (const p of [facilitator, paul, ines]) {
        await p.page.locator('[data-testid="private-banner"][data-status="open"]').waitFor()
        await p.page.locator('[data-testid="timer"][data-state="running"]').waitFor()
        await p.page.getByTestId('follow-banner').waitFor()
        await p.page.locator('[data-testid="workshop-strip"][data-placed]').waitFor()
      }
      for (const [label, p] of [['facilitator', facilitator], ['participant', paul]] as const) {
        const m = await layout(p.page)
        expect(m.barOverflows, `${label}: the bar overflows`).toBe(false)
        for (const part of m.barParts) expect(part.rect.x >= m.bar.x - 0.5 && part.rect.x + part.rect.w <= m.bar.x + m.bar.w + 0.5, `${label}: ${part.name} sticks out of the bar`).toBe(true)
        expect(m.bar.x + m.bar.w).toBeLessThanOrEqual(m.width)
        expect(m.strip, `${label}: no strip`).not.toBeNull()
        expect(m.strip!.x).toBeGreaterThanOrEqual(0)
        expect(m.strip!.x + m.strip!.w).toBeLessThanOrEqual(m.width)
        expect(overlaps(m.strip!, m.bar), `${label}: the strip covers the bar`).toBe(false)
        for (const menuRect of m.menus) {
          expect(overlaps(m.bar, menuRect.rect), `${label}: the bar overlaps ${menuRect.name}`).toBe(false)
          expect(overlaps(m.strip!, menuRect.rect), `${label}: the strip overlaps ${menuRect.name}`).toBe(false)
        }
        for (const row of m.rows) expect(row.overflows, `${label}: ${row.name} overflows`).toBe(false)
      }
      await close()
    }, TEST_MS)
  }
})
