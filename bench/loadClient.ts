import WebSocket from 'ws'
import * as Y from 'yjs'
import { DEFAULT_PAGE_ID, type StoredRecord } from '../shared/boardDoc'
import { noteRecord, plainRichText } from '../shared/noteRecord'
import { makeRecord, nowUs, scanMarkers } from './marker'
import type { ClientProtocol } from './protocols/WireProtocol'
import { awarenessMessage, EMPTY_STATE_VECTOR, EMPTY_UPDATE, syncStep1, syncStep2, syncUpdate } from './protocols/yMessages'

/** Where and as whom a client connects. */
export interface ClientSetup {
  url: string
  protocol: ClientProtocol
  /** Board index across the whole run. */
  board: number
  /** Index of the client in its board; slots below the writer count are writers. */
  slot: number
  /** Global writer id, for writers; null for readers. */
  writerId: number | null
  recordBytes: number
}

export interface ClientEvents {
  /** A write marker arrived in a document update (any client's, the client's own included). */
  onMarker(client: LoadClient, writerId: number, seq: number, sentUs: number, arrivalUs: number): void
  /** The socket closed, or the server sent something wrong, while the run still needed it. */
  onFailure(client: LoadClient, what: string): void
}

/** Origin of updates a writer applies from the server: they must not be sent back. */
const REMOTE = Symbol('remote')

/**
 * One simulated participant. Every client does the y-websocket handshake like the stock
 * provider: answers the server's sync step 1 with a step 2, sends its own step 1, announces an
 * awareness state and renews it. A reader keeps no Y.Doc: it has nothing, so its step 2 is the
 * empty update, and it finds writes by scanning update bytes for markers. A writer keeps a real
 * Y.Doc, so the updates it sends are the ones a real client would send: it writes a tldraw
 * note of its own in the board's `records` map (what a participant writing on a board sends),
 * keeping what the server stamped on it (its author).
 */
export class LoadClient {
  readonly doc: Y.Doc | null
  private ws: WebSocket | null = null
  private readonly map: Y.Map<StoredRecord> | null
  private readonly key: string
  private authenticated: boolean
  private gotStep2 = false
  private awarenessClock = 0
  private readonly awarenessClientId = Math.floor(Math.random() * 0x7fffffff)
  private closing = false
  /** Time the socket was created, opened, and the handshake completed (µs, {@link nowUs}). */
  createdUs = 0
  openUs = 0
  syncedUs = 0
  /** The socket's local port once open: how the server's record of the connection is found (connectStages). */
  localPort = 0
  messagesIn = 0
  /** Updates after which the writer's doc still waited for missing dependencies. */
  pendingAfterApply = 0
  bytesIn = 0

  constructor(
    readonly setup: ClientSetup,
    private readonly events: ClientEvents,
  ) {
    this.authenticated = !setup.protocol.needsAuthentication
    this.key = `shape:bench-writer-${setup.slot}`
    if (setup.writerId !== null) {
      this.doc = new Y.Doc()
      this.map = this.doc.getMap('records')
      this.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE) this.send(syncUpdate(update))
      })
    } else {
      this.doc = null
      this.map = null
    }
  }

  get isWriter(): boolean {
    return this.setup.writerId !== null
  }

  get synced(): boolean {
    return this.gotStep2 && this.authenticated
  }

  /** Opens the socket; resolves once the client is synced, rejects on failure or timeout. */
  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.createdUs = nowUs()
      const ws = new WebSocket(this.setup.url, { perMessageDeflate: false })
      ws.binaryType = 'nodebuffer'
      this.ws = ws
      let settled = false
      const timer = setTimeout(() => fail(new Error(`not synced after ${timeoutMs} ms`)), timeoutMs)
      const fail = (err: Error) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.closing = true
        ws.terminate()
        reject(err)
      }
      const checkSynced = () => {
        if (!settled && this.synced) {
          settled = true
          clearTimeout(timer)
          this.syncedUs = nowUs()
          resolve()
        }
      }
      ws.on('open', () => {
        this.openUs = nowUs()
        this.localPort = (ws as unknown as { _socket?: { localPort?: number } })._socket?.localPort ?? 0
        for (const m of this.setup.protocol.opening()) ws.send(m)
        const sv = this.doc ? Y.encodeStateVector(this.doc) : EMPTY_STATE_VECTOR
        this.send(syncStep1(sv))
        this.renewAwareness()
      })
      ws.on('message', (data: Buffer) => {
        try {
          this.handleMessage(data)
        } catch (err) {
          if (!settled) fail(err as Error)
          else if (!this.closing) this.events.onFailure(this, (err as Error).message)
          return
        }
        checkSynced()
      })
      ws.on('error', (err) => {
        if (!settled) fail(err)
        else if (!this.closing) this.events.onFailure(this, `socket error: ${err.message}`)
      })
      ws.on('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode} on upgrade`)))
      ws.on('close', (code, reason) => {
        if (!settled) fail(new Error(`closed before sync: ${code} ${reason.toString()}`))
        else if (!this.closing) this.events.onFailure(this, `closed by the server: ${code} ${reason.toString()}`)
      })
    })
  }

  private handleMessage(data: Buffer): void {
    const arrivalUs = nowUs()
    this.messagesIn++
    this.bytesIn += data.length
    const msg = this.setup.protocol.parse(data)
    switch (msg.kind) {
      case 'sync':
        if (msg.sub === 0) {
          // The server's step 1: send what it lacks.
          const sv = data.subarray(msg.payloadStart, msg.payloadEnd)
          this.send(syncStep2(this.doc ? Y.encodeStateAsUpdate(this.doc, sv) : EMPTY_UPDATE))
          return
        }
        if (msg.sub === 1 || msg.sub === 2) {
          if (this.doc) {
            Y.applyUpdate(this.doc, data.subarray(msg.payloadStart, msg.payloadEnd), REMOTE)
            if (this.hasPendingUpdates) this.pendingAfterApply++
          }
          if (msg.sub === 1) this.gotStep2 = true
          scanMarkers(data.subarray(0, msg.payloadEnd), msg.payloadStart, (writer, seq, sentUs) =>
            this.events.onMarker(this, writer, seq, sentUs, arrivalUs),
          )
          return
        }
        throw new Error(`unknown sync message type ${msg.sub}`)
      case 'authenticated':
        this.authenticated = true
        return
      case 'denied':
        throw new Error(`permission denied: ${msg.reason}`)
      case 'closed':
        throw new Error(`server closed the document: ${msg.reason}`)
      case 'awareness':
      case 'other':
        return
    }
  }

  private send(body: Uint8Array): void {
    const ws = this.ws
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(this.setup.protocol.frame(body))
  }

  /** Announces (again) this client's presence, as y-protocols clients do every 15 s. */
  renewAwareness(): void {
    this.awarenessClock++
    const state = JSON.stringify({ user: { name: `bench ${this.setup.board}.${this.setup.slot}`, color: '#30bced' } })
    this.send(awarenessMessage(this.awarenessClientId, this.awarenessClock, state))
  }

  /** A writer's write number `seq` (its note's new text): returns when it was sent (µs). */
  write(seq: number): number {
    if (!this.map || this.setup.writerId === null) throw new Error('not a writer')
    const sentUs = nowUs()
    const text = makeRecord(this.setup.writerId, seq, sentUs, this.setup.recordBytes)
    const current = this.map.get(this.key)
    this.map.set(
      this.key,
      current
        ? { ...current, props: { ...(current.props as object), richText: plainRichText(text) } }
        : noteRecord({ id: this.key, parentId: DEFAULT_PAGE_ID, x: 240 * this.setup.slot, y: 0, index: `a${this.setup.slot + 1}`, text }),
    )
    return sentUs
  }

  /** A writer whose document waits for updates it never got (it did not converge). */
  get hasPendingUpdates(): boolean {
    return this.doc !== null && (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null)
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0
  }

  /** Closes the socket; the close is expected, not reported. */
  close(): Promise<void> {
    this.closing = true
    const ws = this.ws
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate()
        resolve()
      }, 3000)
      ws.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      ws.close(1000, 'bench done')
    })
  }

  destroy(): void {
    this.doc?.destroy()
  }
}
