/**
 * Reads a Server-Sent Events body: calls `onData` with each event's data (its `data:` lines
 * joined), and `onActivity` whenever bytes arrive — heartbeats (comment lines) included, which
 * is how a page tells a live stream from one a dead Wi-Fi left hanging. Resolves when the
 * server ends the stream; rejects when it breaks or is aborted.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, handlers: { onData: (data: string) => void; onActivity: () => void }): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let pending = ''
  /** A CR that ended the last piece: the LF that may follow it is in the next one. */
  let carriageReturn = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      handlers.onActivity()
      let text = carriageReturn + decoder.decode(value, { stream: true })
      carriageReturn = text.endsWith('\r') ? '\r' : ''
      if (carriageReturn) text = text.slice(0, -1)
      pending += text.replace(/\r\n?/g, '\n')
      let end: number
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end)
        pending = pending.slice(end + 2)
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        if (data.length > 0) handlers.onData(data.join('\n'))
      }
    }
  } finally {
    reader.releaseLock()
  }
}
