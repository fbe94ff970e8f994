import { createRequire } from 'node:module'
import type { Writable } from 'node:stream'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { binaryFrame, binaryFrames } from '../../server/sync/WsRoomSocket'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { createLabAndBoard, startServer, type TestServer } from '../support/testServer'

// ws's frame parser; exported by the package but not by its type definitions.
const { Receiver } = createRequire(import.meta.url)('ws') as { Receiver: new (options: { isServer: boolean }) => Writable }

/** Parses frames with ws's own receiver, as a client would. */
function parse(frames: Buffer[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false })
    const messages: Buffer[] = []
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(true)
      messages.push(Buffer.from(data))
      if (messages.length === frames.length) resolve(messages)
    })
    receiver.on('error', reject)
    for (const f of frames) receiver.write(f)
  })
}

/** Parses a byte stream cut into chunks, expecting `count` messages. */
function parseChunks(chunks: Buffer[], count: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false })
    const messages: Buffer[] = []
    receiver.on('message', (data: Buffer) => {
      messages.push(Buffer.from(data))
      if (messages.length === count) resolve(messages)
    })
    receiver.on('error', reject)
    for (const c of chunks) receiver.write(c)
  })
}

describe('pre-built WebSocket frames', () => {
  it('are valid binary frames at every length encoding', async () => {
    const sizes = [0, 1, 125, 126, 127, 65535, 65536, 200_000]
    const payloads = sizes.map((n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + n) % 256)))
    const parsed = await parse(payloads.map((p) => binaryFrame(p)))
    expect(parsed.map((m) => m.length)).toEqual(sizes)
    parsed.forEach((m, i) => expect(m.equals(payloads[i]!)).toBe(true))
  })

  it('several in one buffer (one write) arrive as as many messages, in order', async () => {
    const sizes = [3, 900, 125, 70_000, 1]
    const payloads = sizes.map((n) => Buffer.alloc(n, n % 251))
    const buffer = binaryFrames(payloads)
    // Cut anywhere, as TCP may: the client still reads the same messages.
    const parsed = await parseChunks([buffer.subarray(0, 5), buffer.subarray(5, 1000), buffer.subarray(1000)], payloads.length)
    expect(parsed.map((m) => m.length)).toEqual(sizes)
    parsed.forEach((m, i) => expect(m.equals(payloads[i]!)).toBe(true))
  })

  let server: TestServer | null = null
  afterEach(async () => {
    await server?.stop()
    server = null
  })

  it('carry small and large updates to every client over real sockets', async () => {
    server = await startServer()
    const { lab, board } = await createLabAndBoard(server.url)
    const clients = [0, 1, 2].map(() => connect(server!.wsUrl, board.id, lab.tokens.participant))
    try {
      await Promise.all(clients.map((c) => waitSynced(c.provider)))
      const big = 'x'.repeat(150_000)
      clients[0]!.doc.getMap('records').set('shape:small', note('small', 'petit'))
      clients[0]!.doc.getMap('records').set('shape:big', note('big', big))
      clients[1]!.doc.getMap('records').set('shape:medium', note('medium', 'm'.repeat(300)))
      await waitFor(() => clients.every((c) => ['small', 'big', 'medium'].every((k) => c.doc.getMap('records').has(`shape:${k}`))), 'all updates everywhere')
      for (const c of clients) expect(textOf(c.doc.getMap('records').get('shape:big'))).toBe(big)
      expect(Y.encodeStateVector(clients[1]!.doc)).toEqual(Y.encodeStateVector(clients[2]!.doc))
    } finally {
      for (const c of clients) c.provider.destroy()
    }
  })
})
