import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as Y from 'yjs'

/** A stock y-websocket client in Node, as an integration would use it. */
export function connect(
  wsUrl: string,
  boardId: string,
  token: string,
  doc = new Y.Doc(),
  options: { maxBackoffTime?: number; identity?: string } = {},
): { doc: Y.Doc; provider: WebsocketProvider } {
  const { identity, ...rest } = options
  const provider = new WebsocketProvider(wsUrl, boardId, doc, {
    ...rest,
    params: { token, ...(identity && { identity }) },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  // The stock handler console.warns the read-only notice (with the URL, token included) to
  // viewers; tests that care replace this handler.
  provider.messageHandlers[2] = () => {}
  return { doc, provider }
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export function waitSynced(provider: WebsocketProvider): Promise<void> {
  return waitFor(() => provider.synced, 'provider synced')
}
