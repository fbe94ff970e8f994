import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CONNECT_TRACE_PRELOAD, connectStages, type ClientSocketTimes, type ServerSocketTimes } from '../../bench/connectStages'
import { nowUs } from '../../bench/marker'

// A WebSocket server as plain as the bench's peers: `ws` on Node's http server, no Fabrique code.
const SERVER = `
const http = require('node:http')
const { WebSocketServer } = require('ws')
const wss = new WebSocketServer({ noServer: true })
const server = http.createServer((req, res) => res.end('ok'))
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.send('hello')))
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
`

const children: ReturnType<typeof spawn>[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

describe('connect stages', () => {
  it('lines up a real connection seen by the preloaded server and by the client', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-connect-trace-'))
    const traceFile = path.join(dir, 'trace.json')
    const child = spawn(process.execPath, ['--require', CONNECT_TRACE_PRELOAD, '-e', SERVER], {
      cwd: process.cwd(),
      env: { ...process.env, BENCH_CONNECT_TRACE_FILE: traceFile },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    children.push(child)
    const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)))

    const clients: ClientSocketTimes[] = []
    for (let i = 0; i < 3; i++) {
      const times = { port: 0, createdUs: nowUs(), openUs: 0, syncedUs: 0 }
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`)
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => {
          times.openUs = nowUs()
          times.port = (ws as unknown as { _socket: { localPort: number } })._socket.localPort
        })
        ws.once('message', () => {
          times.syncedUs = nowUs()
          resolve()
        })
        ws.once('error', reject)
      })
      ws.close()
      clients.push(times)
    }
    // A socket that never opened is left out, not matched with someone else's connection.
    clients.push({ port: clients[0]!.port, createdUs: nowUs(), openUs: 0, syncedUs: 0 })

    // The preload writes its file once a second.
    let server: ServerSocketTimes[] = []
    for (let i = 0; i < 50 && server.filter((s) => s.answeredUs > 0).length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100))
      if (fs.existsSync(traceFile)) server = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as ServerSocketTimes[]
    }
    expect(server).toHaveLength(3)
    for (const [i, s] of server.entries()) {
      expect(s.port).toBe(clients[i]!.port)
      expect(s.acceptedUs).toBeGreaterThanOrEqual(clients[i]!.createdUs)
      expect(s.upgradeUs).toBeGreaterThanOrEqual(s.acceptedUs)
      expect(s.answeredUs).toBeGreaterThanOrEqual(s.upgradeUs)
      expect(s.answeredUs).toBeLessThanOrEqual(clients[i]!.openUs)
    }

    const stages = connectStages(clients, server)
    expect(stages.matched).toBe(3)
    // Every stage lies within its client's created → open.
    const slowestOpen = Math.max(...clients.filter((c) => c.openUs > 0).map((c) => (c.openUs - c.createdUs) / 1000))
    expect(stages.createdToAnswered.max).toBeLessThanOrEqual(slowestOpen + 0.01)
    expect(stages.answeredToOpen.max).toBeLessThanOrEqual(slowestOpen + 0.01)
    expect(stages.createdToAccepted.max).toBeLessThanOrEqual(stages.createdToAnswered.max)
  })

  it('matches a reused port with the connection accepted while that socket was opening', () => {
    const clients: ClientSocketTimes[] = [
      { port: 5000, createdUs: 1_000, openUs: 2_000, syncedUs: 2_500 },
      { port: 5000, createdUs: 10_000, openUs: 13_000, syncedUs: 14_000 },
    ]
    const server: ServerSocketTimes[] = [
      { port: 5000, acceptedUs: 1_200, upgradeUs: 1_300, answeredUs: 1_500 },
      { port: 5000, acceptedUs: 11_000, upgradeUs: 11_500, answeredUs: 12_000 },
      // Accepted, never answered (refused or dropped): not a stage of anyone.
      { port: 6000, acceptedUs: 1_100, upgradeUs: 0, answeredUs: 0 },
    ]
    const stages = connectStages(clients, server)
    expect(stages.matched).toBe(2)
    expect(stages.createdToAccepted.max).toBe(1)
    expect(stages.createdToAccepted.p50).toBe(0.2)
    expect(stages.answeredToOpen.max).toBe(1)
    expect(stages.createdToAnswered.max).toBe(2)
  })
})
