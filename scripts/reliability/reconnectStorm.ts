// `npx tsx scripts/reliability/reconnectStorm.ts`: 1,000 clients on 50 boards of Fabrique's
// production build write, then every socket drops at once (as when a venue's Wi-Fi comes
// back) and 1,000 clients reconnect at the same moment. Prints how long until all are
// resynced with every note of their board, and what it cost the server.
import { LoadClient } from '../../bench/loadClient'
import { cpuSeconds, memory } from '../../bench/procStats'
import { createProtocol } from '../../bench/protocols/createProtocol'
import type { BoardEndpoint } from '../../bench/workerMessages'
import { rssMiB, sleep, startFabrique } from './fabriqueProcess'

const BOARDS = 50
const CLIENTS = 20
const WRITERS = 3
const out = (m: string) => process.stdout.write(m + '\n')

const { server, boards } = await startFabrique()
const endpoints = await boards(BOARDS)

/** Clients of every board; `seen` counts, per client, the writers whose latest note it has. */
function clientsFor(endpoints: BoardEndpoint[], latest: Map<number, number>, seen: Map<LoadClient, Set<number>>): LoadClient[] {
  const list: LoadClient[] = []
  for (const board of endpoints) {
    for (let slot = 0; slot < CLIENTS; slot++) {
      const writerId = slot < WRITERS ? board.index * WRITERS + slot : null
      const client: LoadClient = new LoadClient(
        { url: board.url, protocol: createProtocol('y-websocket', board.documentName, board.token), board: board.index, slot, writerId, recordBytes: 200 },
        {
          onMarker: (c, writer, seq) => {
            if (latest.get(writer) === seq) seen.get(c)!.add(writer)
          },
          onFailure: () => {},
        },
      )
      seen.set(client, new Set())
      list.push(client)
    }
  }
  return list
}

const latest = new Map<number, number>()
const first = clientsFor(endpoints, latest, new Map())
for (let i = 0; i < first.length; i += 50) await Promise.all(first.slice(i, i + 50).map((c) => c.connect(30_000)))
const writers = first.filter((c) => c.isWriter)
for (let seq = 1; seq <= 10; seq++) {
  for (const w of writers) w.write(seq)
  await sleep(100)
}
for (const w of writers) latest.set(w.setup.writerId!, 10)
await sleep(2000)
out(`${first.length} clients connected and written; server RSS ${rssMiB(server.pid)} MiB`)

// Every socket drops at once…
for (const c of first) (c as unknown as { ws: { terminate(): void } | null }).ws?.terminate()
await sleep(500)
// …and everyone comes back at the same moment (readers with nothing: the whole board).
const seen = new Map<LoadClient, Set<number>>()
const second = clientsFor(endpoints, latest, seen)
const cpu0 = cpuSeconds(server.pid)
const started = Date.now()
const results = await Promise.allSettled(second.map((c) => c.connect(120_000)))
const allSyncedMs = Date.now() - started
const cpu = cpuSeconds(server.pid) - cpu0
const failed = results.filter((r) => r.status === 'rejected').length
const complete = second.filter((c) => seen.get(c)!.size === WRITERS).length
const times = second.map((c) => (c.syncedUs - c.createdUs) / 1000).sort((a, b) => a - b)
const p = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!)
out(`reconnect storm: ${second.length} clients at once, ${failed} failed; all synced in ${allSyncedMs} ms (per client p50 ${p(0.5)} ms, p99 ${p(0.99)} ms)`)
out(`every note of its board at ${complete} of ${second.length} clients; server CPU for the storm ${cpu.toFixed(2)} s; RSS ${rssMiB(server.pid)} MiB (peak ${Math.round(memory(server.pid).hwmKiB / 102.4) / 10} MiB)`)
await Promise.all(second.map((c) => c.close()))
await server.stop()
process.exit(0)
