// `npm run bench:browser` (`BIG_BOARD_NOTES=3900` by default): a board of N sticky notes with
// text, opened in real Chromium (1280×800) from Fabrique's production build, side by side with
// tldraw alone loading the same records (same Chromium, same run). Reports the time from
// navigation to every note in the store and to the first frame after it, pan and zoom frame
// rates, and the JS heap; Fabrique also when the same person comes back (the board read from
// the copy kept on the device); then the time an edit takes to reach another open client.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { getIndices } from '@tldraw/utils'
import { chromium, type Browser, type Page } from 'playwright-core'
import * as Y from 'yjs'
import { getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import type { IssuedIdentity } from '../../shared/identity'
import type { Board, CreatedLab } from '../../shared/lab'
import { noteRecord } from '../../shared/noteRecord'
import { CHROMIUM_ARGS, findChromium } from '../../test/support/chromium'
import { connect, waitFor } from '../../test/support/providers'
import { api, startServer } from '../../test/support/testServer'

const N = Number(process.env.BIG_BOARD_NOTES ?? 3900)
const RUNS = Number(process.env.BIG_BOARD_RUNS ?? 3)
const ROOT = path.resolve(import.meta.dirname, '../..')
const out = (line: string) => process.stdout.write(line + '\n')

// Both pages built as production builds.
const production = { ...process.env, NODE_ENV: 'production' }
execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: production })
execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'bench/browser/vite.config.ts'], { cwd: ROOT, stdio: 'inherit', env: production })

const PHRASES = ['Une épicerie solidaire ferme faute de bénévoles', 'Les horaires du bus ne suivent pas les postes de nuit', 'Personne ne sait qui finance la cantine', 'Ateliers de réparation le samedi', 'Un guichet unique pour les aides']

/** N notes on a grid, with text, as participants write them. */
function makeNotes(n: number): StoredRecord[] {
  const indices = getIndices(n + 1).slice(1)
  const perRow = Math.ceil(Math.sqrt(n))
  return Array.from({ length: n }, (_, i) =>
    noteRecord({ id: `shape:bench-${i}`, parentId: 'page:page', x: (i % perRow) * 240, y: Math.floor(i / perRow) * 240, index: indices[i]!, text: `${PHRASES[i % PHRASES.length]} (${i + 1})` }),
  )
}

const server = await startServer({ STATIC_DIR: 'dist/client', MAX_MESSAGE_BYTES: String(16 * 1024 * 1024) })
const lab = (await api<CreatedLab>(server.url, 'POST', '/api/labs', { title: 'Banc d’essai' })).body
const board = (await api<Board>(server.url, 'POST', `/api/labs/${lab.id}/boards`, { title: `${N} notes` }, lab.tokens.facilitator)).body
const identity = (await api<IssuedIdentity>(server.url, 'POST', `/api/labs/${lab.id}/identities`, { name: 'Banc' }, lab.tokens.participant)).body

// Seed the board through a real client, in batches under the message limit.
const writer = connect(server.wsUrl, board.id, lab.tokens.facilitator)
await waitFor(() => writer.provider.synced, 'writer synced', 60_000)
const notes = makeNotes(N)
for (let i = 0; i < notes.length; i += 500) {
  writer.doc.transact(() => {
    for (const note of notes.slice(i, i + 500)) getRecordsMap(writer.doc).set(note.id, note)
  })
}
const room = await server.server.rooms.getRoom(board.id)
await waitFor(() => getRecordsMap(room.doc).size >= N, 'the board holds every note', 120_000)
await room.settle()
const boardRecords = [...getRecordsMap(room.doc).values()]
const stateBytes = Y.encodeStateAsUpdate(room.doc).byteLength
writer.provider.destroy()

// tldraw alone: its page and the same records as JSON, from a static server of its own.
const aloneDir = path.join(ROOT, 'dist/bench-tldraw-alone')
const recordsJson = JSON.stringify(boardRecords)
const alone = http.createServer((req, res): void => {
  const url = new URL(req.url ?? '/', 'http://x')
  if (url.pathname === '/records.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(recordsJson)
    return
  }
  const file = path.join(aloneDir, url.pathname === '/' ? 'index.html' : url.pathname)
  if (!file.startsWith(aloneDir) || !fs.existsSync(file)) {
    res.writeHead(404).end()
    return
  }
  const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.html') ? 'text/html' : file.endsWith('.json') ? 'application/json' : file.endsWith('.woff2') ? 'font/woff2' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream'
  res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file))
})
await new Promise<void>((r) => alone.listen(0, '127.0.0.1', r))
const aloneUrl = `http://127.0.0.1:${(alone.address() as { port: number }).port}/`

/** Records, once per animation frame, when the page's editor first holds `n` notes, and the frame after. */
const watchScript = (n: number) => `
  (() => {
    const tick = () => {
      const editor = window.fabriqueEditor
      if (editor && editor.getCurrentPageShapeIds().size >= ${n}) {
        window.__allNotesAt = performance.now()
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__firstFrameAt = performance.now() }))
        return
      }
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })()`

interface Opened {
  /** Every note in the page's tldraw store (Fabrique: synced and bound; tldraw alone: fetched and put). */
  storedMs: number
  /** The editor is up with every note (tldraw has mounted the store). */
  allNotesMs: number
  firstFrameMs: number
  heapMiB: number
  /** Fabrique's own marks (connect, synced, bind-start, bound), ms since navigation. */
  marks: Record<string, number>
}

async function open(browser: Browser, url: string, setup?: (page: Page) => Promise<void>): Promise<{ page: Page; opened: Opened; close: () => Promise<void> }> {
  // The bench's probes are evaluated strings: allowed past Fabrique's CSP (no unsafe-eval) for this context only.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true })
  const page = await context.newPage()
  if (setup) await setup(page)
  await page.addInitScript(watchScript(N))
  await page.goto(url)
  return { page, opened: await measureOpened(page), close: () => context.close() }
}

/**
 * The same page opened again in the same browser profile, as a participant coming back: for
 * Fabrique, the board is then read from the copy kept on this device (IndexedDB) before the
 * server's sync, so what Fabrique adds to tldraw's own load is what reading that copy costs.
 */
async function reopen(page: Page, url: string): Promise<Opened> {
  // y-indexeddb stores what arrived as it arrives; leave it time to finish writing 2 MiB.
  await new Promise((r) => setTimeout(r, 2000))
  await page.goto('about:blank')
  await page.goto(url)
  return measureOpened(page)
}

async function measureOpened(page: Page): Promise<Opened> {
  await page.waitForFunction('window.__firstFrameAt !== undefined', undefined, { timeout: 120_000, polling: 100 })
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  const opened = (await page.evaluate(
    "({ allNotesMs: window.__allNotesAt, firstFrameMs: window.__firstFrameAt, marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])) })",
  )) as { allNotesMs: number; firstFrameMs: number; marks: Record<string, number> }
  const storedMs = opened.marks['fabrique:bound'] ?? opened.marks['alone:stored'] ?? Number.NaN
  await cdp.detach()
  return { ...opened, storedMs, heapMiB: heap.usedSize / 2 ** 20 }
}

/** Frame times while the camera pans (or zooms) continuously for `ms`. */
async function frames(page: Page, kind: 'pan' | 'zoom', ms = 3000): Promise<{ fps: number; p95: number }> {
  // A string, not a function: tsx would add helpers the page does not have.
  const deltas = (await page.evaluate(`new Promise((resolve) => {
    const editor = window.fabriqueEditor
    editor.zoomToFit({ animation: { duration: 0 } })
    const start = editor.getCamera()
    const out = []
    const t0 = performance.now()
    let last = t0
    const kind = ${JSON.stringify(kind)}, ms = ${ms}
    function step(now) {
      out.push(now - last)
      last = now
      const t = (now - t0) / ms
      if (kind === 'pan') editor.setCamera({ x: start.x - Math.sin(t * Math.PI * 2) * 600, y: start.y - t * 400, z: start.z })
      else editor.setCamera({ x: start.x, y: start.y, z: start.z * (1 + 0.8 * Math.sin(t * Math.PI * 2) ** 2) })
      if (now - t0 < ms) requestAnimationFrame(step)
      else resolve(out.slice(2))
    }
    requestAnimationFrame(step)
  })`)) as number[]
  const sorted = [...deltas].sort((a, b) => a - b)
  const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length
  return { fps: 1000 / mean, p95: sorted[Math.floor(sorted.length * 0.95)]! }
}

const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true })
const boardUrl = `${server.url}/board/${board.id}#t=${lab.tokens.participant}`
const fabriqueSetup = async (page: Page) => {
  await page.addInitScript(`localStorage.setItem('fabrique.identities', ${JSON.stringify(JSON.stringify({ [lab.id]: identity }))})`)
}
type Frames = { fps: number; p95: number }
const rows: { who: string; run: number; opened: Opened; pan: Frames; zoom: Frames }[] = []
const REVISIT = 'Fabrique, coming back (board kept on the device)'
function report(who: string, run: number, opened: Opened, pan: Frames, zoom: Frames): void {
  rows.push({ who, run, opened, pan, zoom })
  out(`${who} run ${run}: every note in the store ${opened.storedMs.toFixed(0)} ms, editor up with them ${opened.allNotesMs.toFixed(0)} ms, first frame ${opened.firstFrameMs.toFixed(0)} ms, heap ${opened.heapMiB.toFixed(0)} MiB${Object.keys(opened.marks).length ? ` (${Object.entries(opened.marks).map(([k, v]) => `${k.replace('fabrique:', '')} ${v}`).join(', ')})` : ''}, pan ${pan.fps.toFixed(1)} fps (p95 ${pan.p95.toFixed(1)} ms), zoom ${zoom.fps.toFixed(1)} fps (p95 ${zoom.p95.toFixed(1)} ms)`)
}
for (let run = 1; run <= RUNS; run++) {
  // Alternate which goes first, so neither always meets a warmer machine.
  const order = run % 2 === 1 ? (['tldraw alone', 'Fabrique'] as const) : (['Fabrique', 'tldraw alone'] as const)
  for (const who of order) {
    const o = who === 'Fabrique' ? await open(browser, boardUrl, fabriqueSetup) : await open(browser, aloneUrl)
    const pan = await frames(o.page, 'pan')
    const zoom = await frames(o.page, 'zoom')
    report(who, run, o.opened, pan, zoom)
    if (who === 'Fabrique') {
      const again = await reopen(o.page, boardUrl)
      report(REVISIT, run, again, await frames(o.page, 'pan'), await frames(o.page, 'zoom'))
    }
    await o.close()
  }
}

// An edit in one open client reaching another.
const a = await open(browser, boardUrl, fabriqueSetup)
const b = await open(browser, boardUrl, fabriqueSetup)
const latencies: number[] = []
for (let i = 0; i < 20; i++) {
  const id = `shape:bench-${i * 7}`
  const seen = b.page.evaluate(`new Promise((resolve) => {
    const editor = window.fabriqueEditor
    const before = editor.getShape(${JSON.stringify(id)}).x
    const stop = editor.store.listen(() => {
      if (editor.getShape(${JSON.stringify(id)}).x !== before) {
        stop()
        resolve(Date.now())
      }
    })
  })`) as Promise<number>
  const sentAt = (await a.page.evaluate(`(() => {
    const editor = window.fabriqueEditor
    const shape = editor.getShape(${JSON.stringify(id)})
    editor.updateShape({ id: ${JSON.stringify(id)}, type: 'note', x: shape.x + 5 })
    return Date.now()
  })()`)) as number
  latencies.push((await seen) - sentAt)
}
await a.close()
await b.close()
await browser.close()
alone.close()
await server.stop()

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!
const summary = (who: string) => {
  const mine = rows.filter((r) => r.who === who)
  return `| ${who} | ${median(mine.map((r) => r.opened.storedMs)).toFixed(0)} ms | ${median(mine.map((r) => r.opened.allNotesMs)).toFixed(0)} ms | ${median(mine.map((r) => r.opened.firstFrameMs)).toFixed(0)} ms | ${median(mine.map((r) => r.pan.fps)).toFixed(1)} fps (p95 ${median(mine.map((r) => r.pan.p95)).toFixed(1)} ms) | ${median(mine.map((r) => r.zoom.fps)).toFixed(1)} fps (p95 ${median(mine.map((r) => r.zoom.p95)).toFixed(1)} ms) | ${median(mine.map((r) => r.opened.heapMiB)).toFixed(0)} MiB |`
}
out(`\n${N} notes (${(stateBytes / 2 ** 20).toFixed(2)} MiB of Yjs state), Chromium 1280×800, medians of ${RUNS} runs:\n`)
out('| page | every note in the store | editor up with them | first frame | pan | zoom | JS heap |\n|---|---|---|---|---|---|---|')
out(summary('tldraw alone'))
out(summary('Fabrique'))
out(summary(REVISIT))
out(`\nAn edit reaching another open client: p50 ${median(latencies)} ms, max ${Math.max(...latencies)} ms (20 edits).`)
process.exit(0)
