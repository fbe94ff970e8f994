import WebSocket from 'ws'

/** A raw socket that was let in: its messages so far, and how it closed once it does. */
export interface OpenSocket {
  status: 101
  ws: WebSocket
  received: Buffer[]
  closed: Promise<{ code: number; reason: string }>
}

/** A refused upgrade: its HTTP status, parsed JSON body and headers. */
export interface RefusedUpgrade {
  status: number
  body: any
  headers: Record<string, string | string[] | undefined>
}

/**
 * Tries a WebSocket upgrade with a raw `ws` client: resolves with the open socket, or with the
 * refusal's status and body. Open sockets are pushed to `opened` (for the test to terminate).
 */
export function tryUpgrade(url: string, opened: WebSocket[] = [], headers: Record<string, string> = {}): Promise<OpenSocket | RefusedUpgrade> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    const received: Buffer[] = []
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })))
    ws.on('message', (data: Buffer) => received.push(data))
    ws.on('error', () => {})
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers })
        ws.terminate()
      })
      res.on('error', reject)
    })
    ws.on('open', () => {
      opened.push(ws)
      resolve({ status: 101, ws, received, closed })
    })
  })
}

/** Like {@link tryUpgrade}, failing unless the socket opened. */
export async function openSocket(url: string, opened: WebSocket[] = []): Promise<OpenSocket> {
  const result = await tryUpgrade(url, opened)
  if (result.status !== 101) throw new Error(`upgrade refused: ${result.status} ${JSON.stringify((result as RefusedUpgrade).body)}`)
  return result as OpenSocket
}
