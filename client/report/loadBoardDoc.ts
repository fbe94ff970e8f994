import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { MessageType } from '../../shared/protocol'
import { api } from '../api/apiClient'
import { ticketWebSocket } from '../board/ticketSocket'

export interface LoadBoardOptions {
  boardId: string
  /** The lab secret the page holds. */
  token: string
  /** This person's identity in the lab (`<id>.<secret>`), so the server knows who is reading; null when they have none yet. */
  identityCredential: string | null
  /** Gives up after this long (a board that never syncs must not hold the report forever). */
  timeoutMs?: number
  signal?: AbortSignal
}

function syncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`
}

/**
 * A board's current state, read once: a sync ticket, then the stock y-websocket provider until
 * the server's first sync, then the connection is closed. Nothing is written (the document is
 * never edited here, so the provider has nothing to send). The caller destroys the document.
 */
export async function loadBoardDoc({ boardId, token, identityCredential, timeoutMs = 30_000, signal }: LoadBoardOptions): Promise<Y.Doc> {
  // Opening the board sets the cookie its images are served with (the picture embeds them).
  await api.getBoard(boardId, token)
  const doc = new Y.Doc()
  const WebSocketPolyfill = ticketWebSocket(() => api.createTicket(boardId, token, identityCredential).then((answer) => answer.ticket))
  const provider = new WebsocketProvider(syncUrl(), boardId, doc, { disableBc: true, WebSocketPolyfill, maxBackoffTime: 2000 })
  // Read-only sessions are announced with an auth message: nothing to do with it here.
  provider.messageHandlers[MessageType.auth] = () => {}
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`loadBoardDoc: board ${boardId} did not sync within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
      const onSync = (synced: boolean) => synced && finish(null)
      // 44xx closes are final (removed, secret replaced, board gone): no retry will help.
      const onClose = (event: CloseEvent | null) => event && event.code >= 4400 && event.code < 4500 && finish(new Error(`loadBoardDoc: board ${boardId} refused (${event.code})`))
      const onAbort = () => finish(new DOMException('aborted', 'AbortError'))
      function finish(err: Error | null) {
        clearTimeout(timer)
        provider.off('sync', onSync)
        provider.off('connection-close', onClose)
        signal?.removeEventListener('abort', onAbort)
        if (err) reject(err)
        else resolve()
      }
      provider.on('sync', onSync)
      provider.on('connection-close', onClose)
      signal?.addEventListener('abort', onAbort)
      if (signal?.aborted) onAbort()
    })
  } catch (err) {
    provider.destroy()
    doc.destroy()
    throw err
  }
  provider.destroy()
  return doc
}
