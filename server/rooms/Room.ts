import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { AuthMessageType, CloseCode, MessageType, READ_ONLY_REASON, SyncMessageType } from '../../shared/protocol'
import type { Role } from '../../shared/roles'
import type { Logger } from '../logger'
import type { Storage } from '../persistence/Storage'
import { encodeAwarenessMessage, readAwarenessEntries, type AwarenessEntry } from './awarenessMessages'
import { Connection } from './Connection'
import { FlushScheduler } from './FlushScheduler'
import type { RoomSocket } from './RoomSocket'

/** Payload of {@link RoomHooks.beforeApplyUpdate}. */
export interface BeforeApplyUpdatePayload {
  room: Room
  connection: Connection
  update: Uint8Array
}

/** Points where room logic can inspect or refuse what clients send. */
export interface RoomHooks {
  /**
   * Called for every document update a client sends, before it touches the document.
   * Return a reason to refuse it (it is dropped, never stored nor relayed), or null to accept.
   */
  beforeApplyUpdate?(payload: BeforeApplyUpdatePayload): string | null
}

export interface RoomOptions {
  storage: Storage
  logger: Logger
  sendBufferLimitBytes: number
  compactAfterUpdates: number
  hooks?: RoomHooks
  /** Shared by the rooms of a manager, so they flush together; each room gets its own otherwise. */
  flushScheduler?: FlushScheduler
  /**
   * A connection may take over an awareness client id owned by another connection only when
   * that owner has been silent this long (a client reconnecting while its dead socket is not
   * yet dropped). Live owners keep their id. Default {@link AWARENESS_TAKEOVER_MS}.
   */
  awarenessTakeoverMs?: number
  /** Called when the last connection left (the manager starts the idle timer). */
  onEmpty?(room: Room): void
}

/** Default silence of an owner after which its awareness client id can be taken over. */
export const AWARENESS_TAKEOVER_MS = 5_000

/** Viewers may look but not write: their updates are refused before they reach the document. */
export const readOnlyHook: RoomHooks['beforeApplyUpdate'] = ({ connection }) => (connection.readOnly ? READ_ONLY_REASON : null)

interface IncomingUpdate {
  update: Uint8Array
  origin: Connection
  /**
   * A live edit (sync `update`) holds only what its client just did, so it is stored and
   * relayed as received. A sync step 2 may repeat what the server has (a reconnecting client
   * sends its whole state): only what it adds is kept.
   */
  isStep2: boolean
}

interface AwarenessState extends AwarenessEntry {
  owner: Connection
}

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, type)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

const READ_ONLY_MESSAGE = (() => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.auth)
  encoding.writeVarUint(encoder, AuthMessageType.permissionDenied)
  encoding.writeVarString(encoder, READ_ONLY_REASON)
  return encoding.toUint8Array(encoder)
})()

/**
 * One board in memory: its Yjs document, the connections editing it, and their awareness.
 *
 * Durability rule: a document update is stored before anyone else receives it. Updates that
 * arrive within one event-loop turn are applied together, stored as one row, then broadcast
 * as one message. A sync step 1 that arrives while a write is in flight is answered once that
 * write is durable, so no client ever sees content a crash could take back.
 */
export class Room {
  readonly doc: Y.Doc
  private readonly connections = new Set<Connection>()
  private readonly awareness = new Map<number, AwarenessState>()
  private incoming: IncomingUpdate[] = []
  private flushScheduled = false
  private flushing: Promise<void> | null = null
  /** Sync step 1 requests held back while a write is in flight. */
  private waitingStep1: { connection: Connection; stateVector: Uint8Array }[] = []
  private lastSeq: number
  private storedRows: number
  private failed = false
  private readonly flushScheduler: FlushScheduler

  private constructor(
    readonly boardId: string,
    doc: Y.Doc,
    stored: { lastSeq: number; rows: number },
    private readonly options: RoomOptions,
    private readonly logger: Logger,
  ) {
    this.doc = doc
    this.lastSeq = stored.lastSeq
    this.storedRows = stored.rows
    this.flushScheduler = options.flushScheduler ?? new FlushScheduler()
  }

  /** Loads a board's stored updates into a new room. */
  static async load(boardId: string, options: RoomOptions): Promise<Room> {
    const { updates, lastSeq } = await options.storage.loadUpdates(boardId)
    const doc = new Y.Doc()
    Y.transact(doc, () => {
      for (const update of updates) Y.applyUpdate(doc, update)
    })
    const room = new Room(boardId, doc, { lastSeq, rows: updates.length }, options, options.logger.child({ boardId }))
    room.logger.debug('room loaded', { rows: updates.length })
    return room
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Adds a socket to the room and starts the sync handshake. */
  addConnection(socket: RoomSocket, role: Role): Connection {
    const connection = new Connection(socket, role, this.options.sendBufferLimitBytes, (c) => this.removeConnection(c))
    this.connections.add(connection)
    if (connection.readOnly) connection.send(READ_ONLY_MESSAGE)
    connection.send(syncMessage(SyncMessageType.step1, Y.encodeStateVector(this.doc)))
    if (this.awareness.size > 0) connection.send(encodeAwarenessMessage(this.awareness.values()))
    return connection
  }

  /** Removes a connection (idempotent) and tells everyone its presence is gone. */
  removeConnection(connection: Connection): void {
    if (!this.connections.delete(connection)) return
    connection.closed = true
    const gone: AwarenessEntry[] = []
    for (const clientId of connection.awarenessClients) {
      const state = this.awareness.get(clientId)
      if (state && state.owner === connection) {
        this.awareness.delete(clientId)
        gone.push({ clientId, clock: state.clock + 1, state: 'null' })
      }
    }
    if (gone.length > 0) this.broadcast(encodeAwarenessMessage(gone), null)
    this.waitingStep1 = this.waitingStep1.filter((w) => w.connection !== connection)
    if (this.connections.size === 0) this.options.onEmpty?.(this)
  }

  /**
   * Handles one message from a connection. A message that cannot be decoded closes that
   * connection with a reason; the room and everyone else carry on.
   */
  handleMessage(connection: Connection, data: Uint8Array): void {
    if (connection.closed) return
    connection.lastMessageAt = Date.now()
    try {
      const decoder = decoding.createDecoder(data)
      const type = decoding.readVarUint(decoder)
      switch (type) {
        case MessageType.sync:
          this.handleSync(connection, decoder)
          break
        case MessageType.awareness:
          this.handleAwareness(connection, decoding.readVarUint8Array(decoder))
          break
        case MessageType.queryAwareness:
          connection.send(encodeAwarenessMessage(this.awareness.values()))
          break
        case MessageType.auth:
          // Clients have nothing to say in the auth protocol; ignore.
          break
        default:
          throw new Error(`unknown message type ${type}`)
      }
    } catch (err) {
      this.logger.warn('malformed message, closing connection', { err: (err as Error).message, role: connection.role })
      connection.close(CloseCode.malformedMessage, `malformed message: ${(err as Error).message}`.slice(0, 120))
    }
  }

  private handleSync(connection: Connection, decoder: decoding.Decoder): void {
    const subType = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    switch (subType) {
      case SyncMessageType.step1:
        if (this.flushing) this.waitingStep1.push({ connection, stateVector: payload })
        else this.answerStep1(connection, payload)
        break
      case SyncMessageType.step2:
      case SyncMessageType.update: {
        const refusal = this.options.hooks?.beforeApplyUpdate?.({ room: this, connection, update: payload }) ?? null
        if (refusal !== null) {
          this.logger.debug('update refused', { reason: refusal, role: connection.role })
          return
        }
        this.incoming.push({ update: payload, origin: connection, isStep2: subType === SyncMessageType.step2 })
        this.scheduleFlush()
        break
      }
      default:
        throw new Error(`unknown sync message type ${subType}`)
    }
  }

  private answerStep1(connection: Connection, stateVector: Uint8Array): void {
    connection.send(syncMessage(SyncMessageType.step2, Y.encodeStateAsUpdate(this.doc, stateVector)))
  }

  private handleAwareness(connection: Connection, update: Uint8Array): void {
    const entries = readAwarenessEntries(update)
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      const current = this.awareness.get(entry.clientId)
      if (current && current.owner !== connection) {
        // Another connection's client id: refused (its owner would adopt the impostor's state),
        // unless that owner went silent and this is a newer state — the same client back on a
        // new socket while the old one is not yet dropped.
        const ownerSilentMs = Date.now() - current.owner.lastMessageAt
        if (!(entry.clock > current.clock && ownerSilentMs >= (this.options.awarenessTakeoverMs ?? AWARENESS_TAKEOVER_MS))) continue
        current.owner.awarenessClients.delete(entry.clientId)
        this.awareness.set(entry.clientId, { ...current, owner: connection })
      }
      accepted.push(entry)
      const isNewer = !current || entry.clock > current.clock || (entry.clock === current.clock && entry.state === 'null')
      if (!isNewer) continue
      if (entry.state === 'null') {
        this.awareness.delete(entry.clientId)
        connection.awarenessClients.delete(entry.clientId)
      } else {
        this.awareness.set(entry.clientId, { ...entry, owner: connection })
        connection.awarenessClients.add(entry.clientId)
      }
    }
    // Relayed to everyone including the sender: the stock client counts its own echoed
    // awareness as a sign the connection is alive.
    const message = encoding.createEncoder()
    encoding.writeVarUint(message, MessageType.awareness)
    encoding.writeVarUint8Array(message, update)
    if (accepted.length === entries.length) {
      this.broadcast(encoding.toUint8Array(message), null)
      return
    }
    // Some entries were dropped: the sender still gets its echo, the others only what was kept.
    connection.send(encoding.toUint8Array(message))
    if (accepted.length > 0) this.broadcast(encodeAwarenessMessage(accepted), connection)
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return
    this.flushScheduled = true
    this.flushScheduler.schedule(() => {
      this.flushScheduled = false
      this.flushing = this.flush().finally(() => {
        this.flushing = null
        for (const { connection, stateVector } of this.waitingStep1.splice(0)) this.answerStep1(connection, stateVector)
        if (this.incoming.length > 0) this.scheduleFlush()
      })
    })
  }

  /** Applies, stores, then broadcasts everything received since the last flush. */
  private async flush(): Promise<void> {
    const batch = this.incoming
    this.incoming = []
    if (batch.length === 0 || this.failed) return
    // What to store and relay, with who sent it. Each update gets its own transaction: were a
    // burst applied in one, a key set twice would have its first value garbage-collected
    // before being relayed, and the other clients would never see that write.
    const parts: Uint8Array[] = []
    const origins = new Set<Connection>()
    const capture = (update: Uint8Array, origin: unknown) => {
      parts.push(update)
      origins.add(origin as Connection)
    }
    for (const { update, origin, isStep2 } of batch) {
      // Listening makes Yjs encode what a transaction changed: only needed for step 2.
      if (isStep2) this.doc.on('update', capture)
      try {
        Y.applyUpdate(this.doc, update, origin)
        if (!isStep2) {
          parts.push(update)
          origins.add(origin)
        }
      } catch (err) {
        this.logger.warn('invalid update, closing connection', { err: (err as Error).message })
        origin.close(CloseCode.malformedMessage, 'malformed update')
      } finally {
        if (isStep2) this.doc.off('update', capture)
      }
    }
    // Nothing new (e.g. a reconnecting client's step 2 with what the server already had).
    if (parts.length === 0) return
    // Stored as one row, relayed as one message.
    const update = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts)
    try {
      this.lastSeq = await this.options.storage.appendUpdate(this.boardId, update)
      this.storedRows++
    } catch (err) {
      this.fail(err)
      return
    }
    const only = origins.size === 1 ? [...origins][0]! : null
    this.broadcast(syncMessage(SyncMessageType.update, update), only)
    if (this.storedRows >= this.options.compactAfterUpdates) await this.compact()
  }

  /**
   * A write failed: the document in memory holds content the disk does not. Close every
   * connection so clients reconnect to a room loaded from what is stored; they still hold
   * their edits and send them again.
   */
  private fail(err: unknown): void {
    this.failed = true
    this.logger.error('storing an update failed, closing the room', { err })
    for (const connection of [...this.connections]) connection.close(CloseCode.storageFailure, 'storage failure, reconnect')
  }

  get isFailed(): boolean {
    return this.failed
  }

  /** Replaces the stored log by one snapshot of the document. */
  async compact(): Promise<void> {
    if (this.storedRows < 2 || this.failed) return
    const snapshot = Y.encodeStateAsUpdate(this.doc)
    const throughSeq = this.lastSeq
    try {
      await this.options.storage.compactUpdates(this.boardId, snapshot, throughSeq)
      this.storedRows = 1
      this.logger.debug('compacted', { throughSeq, bytes: snapshot.byteLength })
    } catch (err) {
      // The log is intact (one transaction): compaction will be tried again later.
      this.logger.error('compaction failed', { err })
    }
  }

  private broadcast(message: Uint8Array, except: Connection | null): void {
    for (const connection of this.connections) {
      if (connection !== except) connection.send(message)
    }
  }

  /** Resolves once every received update is stored. */
  async settle(): Promise<void> {
    while (this.flushing || this.flushScheduled || this.incoming.length > 0) {
      if (this.flushing) await this.flushing
      else await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** Closes every connection with `code`; used at shutdown and unload. */
  closeAll(code: number, reason: string): void {
    for (const connection of [...this.connections]) connection.close(code, reason)
  }

  destroy(): void {
    this.doc.destroy()
  }
}
