// `npx tsx scripts/reliability/disk.ts`: the disk and compaction attacks of RELIABILITY.md,
// replayed against Fabrique's production build with its default limits. A participant
// rewrites one large note thousands of times (a long log, little live data), then a
// facilitator fills a board to its size limit, deletes it all and leaves. Prints the database
// and WAL sizes at each step and the server's peak memory while it compacts.
import fs from 'node:fs'
import path from 'node:path'
import { memory } from '../../bench/procStats'
import { getRecordsMap } from '../../shared/boardDoc'
import { connect, waitFor } from '../../test/support/providers'
import { note } from '../../test/support/records'
import { rssMiB, sleep, startFabrique } from './fabriqueProcess'

const out = (m: string) => process.stdout.write(m + '\n')
// Unload a board 2 s after its last client left, so its compaction is seen quickly.
const { server, dataDir } = await startFabrique({ ROOM_IDLE_MS: '2000' })
const base = server.baseUrl
const wsUrl = `ws://127.0.0.1:${server.port}/sync`
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
const fileBytes = (name: string) => {
  try {
    return fs.statSync(path.join(dataDir, name)).size
  } catch {
    return 0
  }
}
const disk = () => `database ${mib(fileBytes('fabrique.db'))} MiB + WAL ${mib(fileBytes('fabrique.db-wal'))} MiB`
/** Forgets the peak resident memory so far (Linux: writing 5 to clear_refs resets VmHWM). */
const resetPeak = () => {
  try {
    fs.writeFileSync(`/proc/${server.pid}/clear_refs`, '5')
  } catch {
    /* not permitted: the peak is then the peak since start */
  }
}
const peakMiB = () => Math.round((memory(server.pid).hwmKiB / 1024) * 10) / 10
async function post(p: string, body: unknown, token?: string) {
  const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) })
  return (await res.json()) as any
}
const rows: string[] = []
const report = (step: string, outcome: string) => {
  rows.push(`| ${step} | ${outcome} |`)
  out(`- ${step}: ${outcome}`)
}

if (!fs.existsSync(path.join(dataDir, 'fabrique.db'))) throw new Error(`no database in ${dataDir}`)
const lab = await post('/api/labs', { title: 'Disque' })
report('start', disk())

{
  // 1. One note of 200 KB rewritten 3,000 times: ~590 MiB of updates for 200 KB of live data.
  const id = (await post(`/api/labs/${lab.id}/boards`, { title: 'réécrit' }, lab.tokens.facilitator)).id
  const c = connect(wsUrl, id, lab.tokens.participant)
  await waitFor(() => c.provider.synced, 'synced', 60_000)
  let maxDb = 0
  let maxWal = 0
  const started = Date.now()
  for (let i = 0; i < 3000; i++) {
    getRecordsMap(c.doc).set('shape:rewritten', note('rewritten', ''.padEnd(200_000, String(i % 10))))
    if (i % 20 === 19) {
      await sleep(20)
      maxDb = Math.max(maxDb, fileBytes('fabrique.db'))
      maxWal = Math.max(maxWal, fileBytes('fabrique.db-wal'))
    }
  }
  await waitFor(() => c.provider.synced && c.provider.ws?.bufferedAmount === 0, 'sent', 60_000)
  await sleep(3000)
  report(
    'one 200 KB note rewritten 3,000 times (586 MiB written)',
    `in ${((Date.now() - started) / 1000).toFixed(1)} s; at most ${mib(maxDb)} MiB database + ${mib(maxWal)} MiB WAL while writing (the log is compacted once it grows by more than the board, 8 MiB at least, and freed pages go back to the file system); ${disk()} 3 s after`,
  )
  c.provider.destroy()
}

{
  // 2. A board filled to its limit, compacted, emptied, compacted again.
  const id = (await post(`/api/labs/${lab.id}/boards`, { title: 'plein' }, lab.tokens.facilitator)).id
  const c = connect(wsUrl, id, lab.tokens.facilitator)
  let closedWith = 0
  c.provider.on('connection-close', (e: { code: number } | null) => {
    if (e && e.code >= 4000) closedWith = e.code
  })
  await waitFor(() => c.provider.synced, 'synced', 60_000)
  let written = 0
  for (let i = 0; i < 120 && closedWith === 0; i++) {
    getRecordsMap(c.doc).set(`shape:full-${i}`, note(`full-${i}`, ''.padEnd(600_000, String(i % 10))))
    written += 600_000
    await sleep(60)
  }
  await sleep(2000)
  const filled = disk()
  const rssFilled = rssMiB(server.pid)
  c.provider.destroy()
  // Reopen it: the server loads it, and compacts when the last client leaves.
  const r = connect(wsUrl, id, lab.tokens.facilitator)
  await waitFor(() => r.provider.synced, 'synced', 120_000)
  const records = getRecordsMap(r.doc).size
  resetPeak()
  const rssBefore = rssMiB(server.pid)
  r.provider.destroy()
  await sleep(6000)
  report(
    `a board filled with 600 KB notes until refused (${mib(written)} MiB sent${closedWith ? `, writer closed with ${closedWith}` : ''})`,
    `${filled} once filled (RSS ${rssFilled} MiB); reloaded (${records} records), left and compacted: peak RSS ${peakMiB()} MiB from ${rssBefore} MiB before compaction; ${disk()} after`,
  )
  // Empty it: every note deleted, then everyone leaves.
  const e = connect(wsUrl, id, lab.tokens.facilitator)
  await waitFor(() => e.provider.synced, 'synced', 120_000)
  const keys = [...getRecordsMap(e.doc).keys()].filter((k) => k.startsWith('shape:full-'))
  e.doc.transact(() => {
    for (const k of keys) getRecordsMap(e.doc).delete(k)
  })
  await sleep(2000)
  e.provider.destroy()
  await sleep(6000)
  report(`the ${keys.length} notes deleted, everyone gone`, `${disk()} (the deleted text is dropped by compaction, its pages returned)`)
}

const peak = peakMiB()
await server.stop()
out(`\nserver peak RSS (since the last reset): ${peak} MiB`)
out('\n| step | outcome |\n|---|---|\n' + rows.join('\n'))
process.exit(0)
