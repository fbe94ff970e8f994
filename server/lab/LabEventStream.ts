import type { ServerResponse } from 'node:http'
import type { LabEvent } from '../../shared/lab'
import type { Role } from '../../shared/roles'

/** Headers of a lab event stream: never cached, never buffered or compressed by a proxy. */
export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store, no-transform',
  // nginx buffers responses unless told not to; a buffered stream would arrive in lumps.
  'x-accel-buffering': 'no',
} as const

/**
 * One open lab page: a Server-Sent Events response. Events published before its snapshot was
 * written wait, then follow it in order (each carries whole state, so the page ends on the
 * latest). A reader that lets `maxUnsentBytes` pile up is cut: its page reconnects and gets a
 * fresh snapshot, rather than the server holding an unbounded backlog for it.
 */
export class LabEventStream {
  private closed = false
  private waiting: LabEvent[] | null = []

  constructor(
    readonly labId: string,
    readonly role: Role,
    readonly address: string,
    private readonly res: ServerResponse,
    private readonly maxUnsentBytes: number,
    /** Called once, when the stream ends for any reason. */
    private readonly onClose: (stream: LabEventStream) => void,
  ) {
    res.once('close', () => this.end())
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Writes the first event; everything published meanwhile follows it. */
  start(snapshot: LabEvent): void {
    const waiting = this.waiting ?? []
    this.waiting = null
    this.write(`data: ${JSON.stringify(snapshot)}\n\n`)
    for (const event of waiting) this.send(event)
  }

  send(event: LabEvent): void {
    if (this.closed) return
    if (this.waiting) {
      this.waiting.push(event)
      return
    }
    this.write(`data: ${JSON.stringify(event)}\n\n`)
  }

  /** A comment line: proxies and the page see bytes, the page's parser ignores it. */
  heartbeat(): void {
    if (!this.waiting) this.write(': ping\n\n')
  }

  /** Ends the stream (after a last event, if given). */
  close(last?: LabEvent): void {
    if (this.closed) return
    if (last) this.write(`data: ${JSON.stringify(last)}\n\n`)
    if (!this.closed) this.res.end()
    this.end()
  }

  /** Cuts the connection at once, unsent data included. */
  destroy(): void {
    if (this.closed) return
    this.res.destroy()
    this.end()
  }

  private write(chunk: string): void {
    if (this.closed) return
    if (this.res.writableLength > this.maxUnsentBytes) {
      this.destroy()
      return
    }
    this.res.write(chunk)
  }

  private end(): void {
    if (this.closed) return
    this.closed = true
    this.waiting = null
    this.onClose(this)
  }
}
