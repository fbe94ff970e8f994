// `npx tsx bench/joinBigBoard.ts`: 20 clients join a 3,900-note board in the same second,
// against Fabrique's production build (its own process). Reports the time until all are
// synced, and the server's CPU and memory for it. The board is loaded before (a first
// reader), then unloaded-free: what is measured is 20 newcomers asking for everything at once.
import { getIndices } from '@tldraw/utils'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { cpuSeconds, memory } from './procStats'
import { getRecordsMap } from '../shared/boardDoc'
import { noteRecord } from '../shared/noteRecord'
import { connect, waitFor } from '../test/support/providers'
import { sleep, startFabrique } from '../scripts/reliability/fabriqueProcess'

const NOTES = Number(process.env.JOIN_NOTES ?? 3900)
const JOINERS = Number(process.env.JOIN_CLIENTS ?? 20)
const ROUNDS = Number(process.env.JOIN_ROUNDS ?? 5)
const out = (line: string) => process.stdout.write(line + '\n')

const { server } = await startFabrique({ MAX_MESSAGE_BYTES: String(16 * 1024 * 1024), CONNECTIONS_PER_MINUTE_PER_ADDRESS: '100000' })
const base = server.baseUrl
const wsUrl = `ws://127.0.0.1:${server.port}/sync`
async function post(p: string, body: unknown, token?: string) {
  const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) })
  return (await res.json()) as any
}
const lab = await post('/api/labs', { title: 'Rejoindre' })
const board = await post(`/api/labs/${lab.id}/boards`, { title: 'grand' }, lab.tokens.facilitator)

// The board: NOTES notes with text, written by one client.
const writer = connect(wsUrl, board.id, lab.tokens.facilitator)
await waitFor(() => writer.provider.synced, 'writer synced', 60_000)
const indices = getIndices(NOTES + 1).slice(1)
for (let i = 0; i < NOTES; i += 500) {
  writer.doc.transact(() => {
    for (let j = i; j < Math.min(NOTES, i + 500); j++) {
      const id = `shape:join-${j}`
      getRecordsMap(writer.doc).set(id, noteRecord({ id, parentId: 'page:page', x: (j % 63) * 240, y: Math.floor(j / 63) * 240, index: indices[j]!, text: `Une idée du mur, numéro ${j + 1}` }))
    }
  })
}
const stateBytes = Y.encodeStateAsUpdate(writer.doc).byteLength
await sleep(2000)
// The writer stays: the board is in memory, as during a workshop.

/**
 * A raw newcomer: opens a socket, asks for everything (sync step 1 with an empty state
 * vector) and resolves when the whole board has arrived (sync step 2), without decoding it —
 * so the time is the server's and the network's, not a Yjs client's.
 */
function rawJoin(started: number): Promise<{ ms: number; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/${board.id}?token=${lab.tokens.participant}`)
    ws.on('error', reject)
    ws.on('open', () => ws.send(Uint8Array.from([0, 0, 1, 0])))
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data[1] === 1 && data.byteLength > stateBytes / 2) resolve({ ms: Date.now() - started, ws })
    })
  })
}

const rows: string[] = []
for (let round = 1; round <= ROUNDS; round++) {
  // Raw sockets first: the server's part.
  const rawCpu0 = cpuSeconds(server.pid)
  const rawStarted = Date.now()
  const raws = await Promise.all(Array.from({ length: JOINERS }, () => rawJoin(rawStarted)))
  const rawCpu = cpuSeconds(server.pid) - rawCpu0
  const rawAll = Math.max(...raws.map((r) => r.ms))
  for (const r of raws) r.ws.terminate()
  await sleep(1000)

  const cpu0 = cpuSeconds(server.pid)
  const rss0 = memory(server.pid).rssKiB / 1024
  let peak = rss0
  const sampler = setInterval(() => (peak = Math.max(peak, memory(server.pid).rssKiB / 1024)), 20)
  const started = Date.now()
  const joiners = Array.from({ length: JOINERS }, () => connect(wsUrl, board.id, lab.tokens.participant))
  const syncedAt: number[] = []
  await Promise.all(
    joiners.map((c) =>
      waitFor(() => c.provider.synced && getRecordsMap(c.doc).size > NOTES, 'joiner synced', 120_000).then(() => syncedAt.push(Date.now() - started)),
    ),
  )
  await sleep(200)
  clearInterval(sampler)
  const cpu = cpuSeconds(server.pid) - cpu0
  syncedAt.sort((a, b) => a - b)
  const line = `| ${round} | ${rawAll} ms (${(rawCpu * 1000).toFixed(0)} ms CPU) | ${syncedAt[syncedAt.length - 1]} ms | ${syncedAt[Math.floor(syncedAt.length / 2)]} ms | ${(cpu * 1000).toFixed(0)} ms | ${rss0.toFixed(0)} → ${peak.toFixed(0)} MiB |`
  rows.push(line)
  out(line)
  for (const c of joiners) c.provider.destroy()
  await sleep(1500)
}
writer.provider.destroy()
await server.stop()
out(`\n${JOINERS} clients joining a ${NOTES}-note board (${(stateBytes / 2 ** 20).toFixed(2)} MiB of Yjs state) at once, Fabrique's production build:\n`)
out('| round | raw sockets: whole board received by all (server CPU) | stock Yjs clients: all synced | median client | server CPU | server RSS before → peak |\n|---|---|---|---|---|---|\n' + rows.join('\n'))
process.exit(0)
