import { describe, expect, it } from 'vitest'
import { readEventStream } from '../../client/lab/readEventStream'

/** A body that arrives in the given pieces (bytes cut anywhere, as a network does). */
function body(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(p)
      controller.close()
    },
  })
}

function cut(text: string, at: number[]): Uint8Array[] {
  const bytes = new TextEncoder().encode(text)
  const bounds = [0, ...at, bytes.length]
  return bounds.slice(1).map((end, i) => bytes.slice(bounds[i], end))
}

describe('readEventStream (the lab page’s reader of Server-Sent Events)', () => {
  it('reads events cut anywhere — inside a line, inside an accented letter — with CRLF or LF, and counts heartbeats as activity', async () => {
    const text = 'data: {"type":"lab","title":"Émergence"}\n\n: ping\n\r\ndata: {"a":\r\ndata: 1}\r\n\r\ndata:{"type":"revoked"}\n\n'
    const bytes = (s: string) => new TextEncoder().encode(s).length
    const accent = bytes('data: {"type":"lab","title":"') + 1
    // Between a CR and its LF, both inside an event and at its end.
    const crlfInside = bytes(text.slice(0, text.indexOf('{"a":\r') + 6))
    const crlfAtEnd = bytes(text.slice(0, text.indexOf('1}\r\n\r') + 3))
    const data: string[] = []
    let activity = 0
    await readEventStream(body(cut(text, [3, accent, 50, crlfInside, crlfAtEnd, crlfAtEnd + 2])), { onData: (d) => data.push(d), onActivity: () => activity++ })
    expect(data).toEqual(['{"type":"lab","title":"Émergence"}', '{"a":\n1}', '{"type":"revoked"}'])
    expect(activity).toBe(7)
  })

  it('leaves an event the stream ended in the middle of unread', async () => {
    const data: string[] = []
    await readEventStream(body(cut('data: {"type":"revoked"}\n\ndata: {"type":"la', [])), { onData: (d) => data.push(d), onActivity: () => {} })
    expect(data).toEqual(['{"type":"revoked"}'])
  })
})
