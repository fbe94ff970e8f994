// `npx tsx scripts/workshopScreenshots.ts [outDir]`: the workshop toolkit's screens in
// headless Chromium — a facilitator on a laptop (1280×800), a participant on a phone (390×844)
// and at 360×740, a projector (1920×1080) — in French (and English with LANGS=fr,en). The
// workshop state is written into the board's session by the server, as its commands do. PNGs
// go to `outDir` (default screenshots/workshop): look at them.
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { getRecordsMap, getSessionMap } from '../shared/boardDoc'
import type { IssuedIdentity } from '../shared/identity'
import type { Board, CreatedLab } from '../shared/lab'
import { ensureClientBuilt, launchBrowser, newContext } from '../test/support/browser'
import { createNote } from '../test/support/browserBoard'
import { api, startServer } from '../test/support/testServer'

const OUT = path.resolve(process.argv[2] ?? 'screenshots/workshop')
const LANGS = (process.env.LANGS ?? 'fr').split(',') as ('fr' | 'en')[]
const sizes = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
  narrow: { width: 360, height: 740 },
  projector: { width: 1920, height: 1080 },
} as const

ensureClientBuilt()
fs.mkdirSync(OUT, { recursive: true })
const server = await startServer({ STATIC_DIR: 'dist/client' })
const browser = await launchBrowser()
const shot = async (page: Page, name: string) => {
  await page.waitForTimeout(400)
  const file = path.join(OUT, `${name}.png`)
  await page.screenshot({ path: file })
  console.log(file)
}
try {
  for (const lang of LANGS) {
    const lab = (await api<CreatedLab>(server.url, 'POST', '/api/labs', { title: 'Captures' })).body
    const board = (await api<Board>(server.url, 'POST', `/api/labs/${lab.id}/boards`, { title: lang === 'fr' ? 'Mobilité solidaire — idées' : 'Inclusive mobility — ideas', template: 'iceberg', lang }, lab.tokens.facilitator)).body
    const people = {
      fatou: (await api<IssuedIdentity>(server.url, 'POST', `/api/labs/${lab.id}/identities`, { name: 'Fatou Diallo', color: '#d6336c' }, lab.tokens.facilitator)).body,
      paul: (await api<IssuedIdentity>(server.url, 'POST', `/api/labs/${lab.id}/identities`, { name: 'Paul', color: '#1c7ed6' }, lab.tokens.participant)).body,
      ines: (await api<IssuedIdentity>(server.url, 'POST', `/api/labs/${lab.id}/identities`, { name: 'Inès', color: '#2f9e44' }, lab.tokens.participant)).body,
    }
    const open = async (who: keyof typeof people, role: 'facilitator' | 'participant', size: keyof typeof sizes) => {
      const { page, context } = await newContext(browser, sizes[size])
      await page.addInitScript(([l, identities]) => {
        localStorage.setItem('fabrique.lang', l!)
        localStorage.setItem('fabrique.identities', identities!)
      }, [lang, JSON.stringify({ [lab.id]: people[who] })])
      await page.goto(`${server.url}/board/${board.id}#t=${lab.tokens[role]}`)
      await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor()
      await page.waitForFunction(() => document.fonts.status === 'loaded')
      return { page, context }
    }
    const room = await server.server.rooms.getRoom(board.id)
    const session = (write: (s: ReturnType<typeof getSessionMap>, records: ReturnType<typeof getRecordsMap>) => void) => room.transact((doc) => write(getSessionMap(doc), getRecordsMap(doc)))

    const facilitator = await open('fatou', 'facilitator', 'laptop')
    await createNote(facilitator.page, lang === 'fr' ? 'Covoiturage entre voisins' : 'Car sharing between neighbours', 200, 700)
    await createNote(facilitator.page, lang === 'fr' ? 'Navette solidaire vers la gare' : 'Shuttle to the station', 450, 700)
    await createNote(facilitator.page, lang === 'fr' ? 'Vélos partagés' : 'Shared bikes', 700, 700)
    await facilitator.page.waitForTimeout(500)
    const notes = [...getRecordsMap(room.doc).values()].filter((r) => r.typeName === 'shape' && r.type === 'note').map((r) => r.id)
    const phone = await open('paul', 'participant', 'phone')
    const narrow = await open('ines', 'participant', 'narrow')

    // The facilitator's tools menu.
    await facilitator.page.getByTestId('open-workshop-tools').click()
    await shot(facilitator.page, `${lang}-01-facilitator-menu`)
    await facilitator.page.keyboard.press('Escape')
    await narrow.page.getByTestId('open-reactions').click()
    await shot(narrow.page, `${lang}-02-narrow-reaction-picker`)
    await narrow.page.keyboard.press('Escape')

    // A running timer with an agenda being presented, someone leading, a vote open.
    const now = Date.now()
    await session((s) => {
      s.set('agenda', {
        steps: [
          { id: 'a', title: lang === 'fr' ? 'Accueil et météo' : 'Welcome', durationMs: 300_000, target: null },
          { id: 'b', title: lang === 'fr' ? 'Brainstorm individuel' : 'Individual brainstorm', durationMs: 600_000, target: null },
          { id: 'c', title: lang === 'fr' ? 'Vote des idées prioritaires' : 'Vote on priorities', durationMs: 300_000, target: null },
        ],
        current: 1,
        startedAt: new Date(now).toISOString(),
      })
      s.set('timer', { status: 'running', endsAt: now + 272_000, durationMs: 600_000, by: people.fatou.id, label: lang === 'fr' ? 'Brainstorm individuel' : 'Individual brainstorm' })
      s.set('follow', { leaderId: people.fatou.id, name: 'Fatou Diallo', color: '#d6336c', since: new Date(now).toISOString() })
      s.set('vote', { id: 'v1', status: 'open', title: lang === 'fr' ? 'Quelles idées retenir ?' : 'Which ideas to keep?', dotsPerPerson: 3, onePerNote: false, anonymous: true, options: notes, by: people.fatou.id, openedAt: new Date(now).toISOString(), voters: 4 })
    })
    await shot(facilitator.page, `${lang}-03-facilitator-strip`)
    await shot(phone.page, `${lang}-04-phone-strip`)
    await shot(narrow.page, `${lang}-05-narrow-strip`)
    const narrowFacilitator = await open('fatou', 'facilitator', 'narrow')
    await shot(narrowFacilitator.page, `${lang}-05b-narrow-facilitator-strip`)
    await narrowFacilitator.context.close()
    await phone.page.getByTestId('follow-detach').click()
    await phone.page.getByTestId('vote-list').click()
    await shot(phone.page, `${lang}-06-phone-ballot-list`)
    await phone.page.getByTestId('ballot-list-close').click()

    // The private round, open.
    await session((s) => {
      s.delete('vote')
      s.delete('follow')
      s.set('privateRound', { id: 'r1', status: 'open', prompt: lang === 'fr' ? 'Quels freins rencontrez-vous au quotidien ?' : 'What gets in your way?', by: people.fatou.id, openedAt: new Date().toISOString(), writers: 3, shapes: 7 })
    })
    await shot(facilitator.page, `${lang}-07-facilitator-private`)
    await shot(narrow.page, `${lang}-08-narrow-private`)

    // A revealed vote.
    await session((s) => {
      s.delete('privateRound')
      s.set('vote', {
        id: 'v2',
        status: 'revealed',
        title: lang === 'fr' ? 'Quelles idées retenir ?' : 'Which ideas to keep?',
        dotsPerPerson: 3,
        onePerNote: false,
        anonymous: false,
        options: notes,
        by: people.fatou.id,
        openedAt: new Date().toISOString(),
        revealedAt: new Date().toISOString(),
        voters: 3,
        results: notes.map((noteId, i) => ({ noteId, text: `Idée ${i + 1}`, count: [5, 3, 0][i] ?? 0, voters: i === 0 ? [{ id: people.paul.id, name: 'Paul', dots: 3 }, { id: people.ines.id, name: 'Inès', dots: 2 }] : [] })),
      })
    })
    await facilitator.page.getByTestId('vote-ranking').click()
    await shot(facilitator.page, `${lang}-09-facilitator-results`)
    await phone.page.getByTestId('vote-ranking').click()
    await shot(phone.page, `${lang}-10-phone-results`)

    // The projector: the big timer, then its end.
    const projector = await open('ines', 'participant', 'projector')
    await projector.page.getByTestId('timer-big').click()
    await shot(projector.page, `${lang}-11-projector-big-timer`)
    await session((s) => s.set('timer', { status: 'running', endsAt: Date.now() - 1000, durationMs: 600_000, by: people.fatou.id, label: null }))
    await shot(projector.page, `${lang}-12-projector-ended`)
    await shot(facilitator.page, `${lang}-13-facilitator-ended`)

    // Dialogs.
    await facilitator.page.getByTestId('open-workshop-tools').click()
    await facilitator.page.getByTestId('tool-vote').click()
    await shot(facilitator.page, `${lang}-14-vote-dialog`)
    await facilitator.page.keyboard.press('Escape')
    await facilitator.page.getByTestId('open-workshop-tools').click()
    await facilitator.page.getByTestId('tool-agenda').click()
    await shot(facilitator.page, `${lang}-15-agenda-dialog`)
    await facilitator.page.keyboard.press('Escape')
    await facilitator.page.getByTestId('open-workshop-tools').click()
    await facilitator.page.getByTestId('tool-timer').click()
    await shot(facilitator.page, `${lang}-16-timer-dialog`)
    await facilitator.page.keyboard.press('Escape')
    // A real private round: Paul's note private on his phone, then revealed with authors' names.
    await session((s) => {
      s.delete('timer')
      s.delete('agenda')
      s.delete('vote')
    })
    await phone.page.getByTestId('vote-results-close').click().catch(() => {})
    await facilitator.page.getByTestId('vote-results-close').click().catch(() => {})
    await facilitator.page.getByTestId('open-workshop-tools').click()
    await facilitator.page.getByTestId('tool-private').click()
    await facilitator.page.getByTestId('private-prompt').fill(lang === 'fr' ? 'Quels freins rencontrez-vous au quotidien ?' : 'What gets in your way day to day?')
    await facilitator.page.getByTestId('private-open').click()
    await phone.page.locator('[data-testid="private-banner"][data-status="open"]').waitFor()
    const view = await phone.page.evaluate(() => (window as any).fabriqueEditor.getViewportPageBounds().center)
    await createNote(phone.page, lang === 'fr' ? 'Les horaires des bus ne collent pas aux postes de nuit' : 'Bus times do not fit night shifts', view.x - 100, view.y - 100)
    await phone.page.locator('[data-testid="private-badge"]').first().waitFor()
    await shot(phone.page, `${lang}-17-phone-private-note`)
    await facilitator.page.getByTestId('private-reveal').click()
    await facilitator.page.locator('[data-testid="private-banner"][data-status="revealed"]').waitFor()
    await facilitator.page.evaluate(([x, y]) => void (window as any).fabriqueEditor.centerOnPoint({ x, y }), [view.x, view.y])
    await facilitator.page.locator('[data-testid="author-tag"]').first().waitFor()
    await shot(facilitator.page, `${lang}-18-facilitator-authors`)
    // A reaction from Paul, on the facilitator's screen.
    await phone.page.getByTestId('open-reactions').click()
    await phone.page.locator('[data-testid="reaction-send"][data-emoji="🎉"]').click()
    await phone.page.locator('[data-testid="reaction-send"][data-emoji="❤️"]').click()
    await facilitator.page.locator('[data-testid="reaction"]').first().waitFor()
    await facilitator.page.waitForTimeout(200)
    await facilitator.page.screenshot({ path: path.join(OUT, `${lang}-19-facilitator-reaction.png`) })
    for (const p of [facilitator, phone, narrow, projector]) await p.context.close()
  }
} finally {
  await browser.close()
  await server.stop()
}
