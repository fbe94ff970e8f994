// `npx tsx scripts/reliability/soak.ts`: 1,000 clients on Fabrique's production build for
// SOAK_MINUTES (default 30): 50 boards × 20 clients, 3 writers per board writing their note
// at 2 Hz, everyone renewing presence every 15 s. Prints the server's memory at start, its
// peak and at the end, sampled every 30 s, and what was delivered. Figures go to RELIABILITY.md.
import { LoadClient } from '../../bench/loadClient'
import { nowUs } from '../../bench/marker'
import { memory } from '../../bench/procStats'
import { createProtocol } from '../../bench/protocols/createProtocol'
import { rssMiB, sleep, startFabrique } from './fabriqueProcess'

const minutes = Number(process.env.SOAK_MINUTES ?? 30)
const BOARDS = 50
const CLIENTS = 20
const WRITERS = 3
const HZ = 2
const out = (m: string) => process.stdout.write(m + '\n')

const { server, boards } = await startFabrique()
const endpoints = await boards(BOARDS)
let delivered = 0
const failures: string[] = []
const clients: LoadClient[] = []
for (const board of endpoints) {
  for (let slot = 0; slot < CLIENTS; slot++) {
    const writerId = slot < WRITERS ? board.index * WRITERS + slot : null
    clients.push(
      new LoadClient(
        { url: board.url, protocol: createProtocol('y-websocket', board.documentName, board.token), board: board.index, slot, writerId, recordBytes: 200 },
        { onMarker: (c, writer) => void (c.setup.writerId !== writer && delivered++), onFailure: (_c, what) => failures.push(what) },
      ),
    )
  }
}
for (let i = 0; i < clients.length; i += 50) await Promise.all(clients.slice(i, i + 50).map((c) => c.connect(30_000)))
const startRss = rssMiB(server.pid)
out(`${clients.length} clients synced; server RSS ${startRss} MiB; soaking for ${minutes} min`)
const writers = clients.filter((c) => c.isWriter)
let seq = 0
const writeTimer = setInterval(() => {
  seq++
  for (const w of writers) w.write(seq)
}, 1000 / HZ)
let renew = 0
const renewTimer = setInterval(() => {
  // Spread over 15 s, as y-protocols clients do.
  const slice = Math.ceil(clients.length / 15)
  for (const c of clients.slice((renew % 15) * slice, ((renew % 15) + 1) * slice)) c.renewAwareness()
  renew++
}, 1000)
const samples: { minute: number; rss: number }[] = []
const started = nowUs()
while ((nowUs() - started) / 60e6 < minutes) {
  await sleep(30_000)
  const sample = { minute: Math.round(((nowUs() - started) / 60e6) * 10) / 10, rss: rssMiB(server.pid) }
  samples.push(sample)
  out(`  t=${sample.minute} min: RSS ${sample.rss} MiB, ${delivered} deliveries, ${failures.length} failures`)
}
clearInterval(writeTimer)
clearInterval(renewTimer)
await sleep(3000)
const endRss = rssMiB(server.pid)
const peak = Math.round((memory(server.pid).hwmKiB / 1024) * 10) / 10
const expected = seq * writers.length * (CLIENTS - 1)
await Promise.all(clients.map((c) => c.close()))
await server.stop()
out(`\nsoak: ${clients.length} clients, ${minutes} min, ${seq * writers.length} writes`)
out(`server RSS: start ${startRss} MiB, peak ${peak} MiB, end ${endRss} MiB`)
out(`RSS samples (MiB): ${samples.map((s) => s.rss).join(', ')}`)
out(`delivered ${delivered} of ~${expected} (write, reader) pairs (${((delivered / expected) * 100).toFixed(2)} %); failures: ${failures.length}${failures.length ? ` (${failures.slice(0, 3).join('; ')})` : ''}`)
process.exit(0)
