import { CloseCode } from '../../shared/protocol'
import { ApiError } from '../api/apiClient'

/**
 * How the client gets a single-use sync ticket for its next connection (the lab's secret and
 * the identity travel in headers of an API call, never in the sync URL).
 */
export type TicketSource = () => Promise<string>

type Handler<E> = ((event: E) => void) | null

/** What y-websocket reads of a close event. */
interface CloseLike {
  code: number
  reason: string
  wasClean: boolean
}

/**
 * A WebSocket for y-websocket's `WebSocketPolyfill` option that first asks the API for a sync
 * ticket, then opens `<url>?ticket=…`. Reverse proxies therefore log only a ticket that has
 * already been used. Offline (the ticket cannot be fetched), it fails like a socket that could
 * not connect, and the provider retries with its backoff; a secret the server no longer knows
 * (rotated) ends with {@link CloseCode.secretRotated}, a board that is gone with
 * {@link CloseCode.boardGone}: the provider retries neither.
 */
export function ticketWebSocket(getTicket: TicketSource): typeof WebSocket {
  class TicketWebSocket {
    static readonly CONNECTING = 0
    static readonly OPEN = 1
    static readonly CLOSING = 2
    static readonly CLOSED = 3
    readonly CONNECTING = 0
    readonly OPEN = 1
    readonly CLOSING = 2
    readonly CLOSED = 3
    binaryType: BinaryType = 'arraybuffer'
    onopen: Handler<Event> = null
    onmessage: Handler<MessageEvent> = null
    onclose: Handler<CloseLike> = null
    onerror: Handler<Event> = null
    private socket: WebSocket | null = null
    private state = 0
    private closeRequested: { code?: number; reason?: string } | null = null

    constructor(readonly url: string) {
      getTicket().then(
        (ticket) => this.open(ticket),
        (err: unknown) => {
          // Answers that will not change by retrying end the connection for good (y-websocket
          // does not retry 44xx closes); anything else (offline, busy) is retried with backoff.
          const final = !(err instanceof ApiError) ? null : err.status === 401 || err.status === 403 ? CloseCode.secretRotated : err.status === 404 ? CloseCode.boardGone : null
          this.finish(final !== null ? { code: final, reason: (err as Error).message, wasClean: true } : { code: 1006, reason: 'no ticket', wasClean: false }, final === null)
        },
      )
    }

    get readyState(): number {
      return this.socket ? this.socket.readyState : this.state
    }

    get bufferedAmount(): number {
      return this.socket?.bufferedAmount ?? 0
    }

    send(data: ArrayBufferLike | ArrayBufferView | Blob | string): void {
      if (!this.socket) throw new Error('InvalidStateError: the socket is not open')
      this.socket.send(data)
    }

    close(code?: number, reason?: string): void {
      if (this.socket) this.socket.close(code, reason)
      else if (this.state === 0) {
        // Still fetching the ticket: do not open once it arrives.
        this.closeRequested = { code, reason }
        this.state = 2
      }
    }

    private open(ticket: string): void {
      if (this.closeRequested) {
        this.finish({ code: this.closeRequested.code ?? 1000, reason: this.closeRequested.reason ?? '', wasClean: true }, false)
        return
      }
      const separator = this.url.includes('?') ? '&' : '?'
      const socket = new WebSocket(`${this.url}${separator}ticket=${encodeURIComponent(ticket)}`)
      socket.binaryType = this.binaryType
      socket.onopen = (e) => this.onopen?.(e)
      socket.onmessage = (e) => this.onmessage?.(e)
      socket.onerror = (e) => this.onerror?.(e)
      socket.onclose = (e) => {
        this.state = 3
        this.onclose?.(e)
      }
      this.socket = socket
    }

    private finish(event: CloseLike, withError: boolean): void {
      this.state = 3
      if (withError) this.onerror?.(new Event('error'))
      this.onclose?.(event)
    }
  }
  return TicketWebSocket as unknown as typeof WebSocket
}
