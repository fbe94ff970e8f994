import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { Rule } from '../../shared/authority/rules'
import { getMetaMap, getRecordsMap, getSessionMap } from '../../shared/boardDoc'
import { CommandErrorCode, parseCommand, type ClientCommand, type PersonOnBoard, type ServerEvent } from '../../shared/commands'
import { CloseCode, MessageType, READ_ONLY_REASON, SyncMessageType } from '../../shared/protocol'
import { permissionDeniedMessage, readCommandBody, syncMessage } from '../../shared/wireMessages'
import type { Logger } from '../logger'
import type { Storage } from '../persistence/Storage'
import type { RoomFanout } from '../cluster/BoardLink'
import type { Audience } from '../cluster/clusterMessages'

/**
 * Whose connections an event is for: `audience` (everyone, one identity, some roles) on every
 * instance holding the board, but `except` (the sender's own connection, say); `localOnly` for
 * what only makes sense on this instance.
 */
export interface EventAudience extends Audience {
  except?: Connection | null
  localOnly?: boolean
}

function inAudience(connection: Connection, audience: Audience): boolean {
  return (audience.identityId === undefined || connection.identity.id === audience.identityId) && (audience.roles === undefined || audience.roles.includes(connection.role))
}
import { AwarenessRenewals, type RENEWAL_DELAY_MS } from './AwarenessRenewals'
import { Connection, type ConnectionIdentity } from './Connection'
import { FlushScheduler } from './FlushScheduler'
import type { RefusalCounter } from './RefusalCounter'
import { DEFAULT_AWARENESS_LIMITS, RoomAwareness, type AwarenessLimits } from './RoomAwareness'
import { CommandError, ConnectionRefused, type Correction, type RoomHooks } from './RoomHooks'
import type { RoomSocket } from './RoomSocket'
import { SendBudget } from './SendBudget'
import { collectChanges, setEntry, type DocChange } from './transactionChanges'

export interface RoomOptions {
  storage: Storage
  logger: Logger
  /** The lab the board belongs to (its connections are closed when a secret of that lab is rotated); null when unknown. */
  labId?: string | null
  sendBufferLimitBytes: number
  compactAfterUpdates: number
  /** Run in order at each step (see {@link RoomHooks}). */
  hooks?: readonly RoomHooks[]
  /** Shared by the rooms of a manager, so they flush together; each room gets its own otherwise. */
  flushScheduler?: FlushScheduler
  /** Bounds on presence; defaults {@link DEFAULT_AWARENESS_LIMITS}. */
  awareness?: Partial<AwarenessLimits>
  /** Longest a presence renewal waits for a relay to ride along with; default {@link RENEWAL_DELAY_MS}. */
  renewalDelayMs?: number
  /** Counts refused changes, by rule (shared by a manager's rooms; shown in `/healthz`). */
  refusals?: RefusalCounter
  /** Unsent bytes all connections may hold together (shared by a manager's rooms). */
  sendBudget?: SendBudget
  /**
   * Largest board, in stored bytes: past it (and after a compaction that could not bring it
   * back under), writers are closed with 4413 and nothing they send is applied; the board can
   * still be read. Unbounded when not given.
   */
  maxBoardBytes?: number
  /**
   * Yjs client ids a board may hold (each tab session adds one; each costs every later
   * transaction). Past it, a connection bringing a new one is closed with 4413. Unbounded when
   * not given.
   */
  maxYjsClients?: number
  /** Called when the last connection left (the manager starts the idle timer). */
  onEmpty?(room: Room): void
  /**
   * With several instances on one storage: how the room tells the others what it stores and
   * its clients' presence, and how much of the stored log its document is known to hold.
   */
  fanout?: RoomFanout
  /** Who is on this board through the other instances (see `ClusterPresence`). */
  presence?: { others(boardId: string): PersonOnBoard[][] }
}


/**
 * Whether an update adds no content `doc` lacks (it only deletes, or repeats what is known,
 * like the sync step 2 of a client joining): what a full board still accepts.
 */
function addsNothing(doc: Y.Doc, update: Uint8Array): boolean {
  try {
    return Y.decodeUpdate(Y.diffUpdate(update, Y.encodeStateVector(doc))).structs.length === 0
  } catch {
    return false
  }
}

/** Bytes the update log may grow by, at least, before a compaction (besides the row count). */
export const COMPACT_AFTER_LOG_BYTES = 8 * 1024 * 1024

/** Transaction origin of what the room writes itself. */
export const SERVER_ORIGIN = Symbol('fabrique-server')

/** Transaction origin of updates another instance stored (already judged there). */
export const REMOTE_ORIGIN = Symbol('fabrique-remote')

type Incoming =
  | {
      kind: 'client'
      update: Uint8Array
      origin: Connection
      /**
       * A live edit (sync `update`) holds only what its client just did, so unless corrected it
       * is stored and relayed as received. A sync step 2 may repeat what the server has (a
       * reconnecting client sends its whole state): only what it adds is kept.
       */
      isStep2: boolean
      /** The sync update message as received, when it is nothing more: relayed as is when the update is. */
      message: Uint8Array | null
    }
  | { kind: 'server'; write: (doc: Y.Doc) => void; resolve: () => void; reject: (err: unknown) => void }

/** What applying one client update produced. */
interface Applied {
  /** What to store and relay, or null when it changed nothing. */
  update: Uint8Array | null
  corrections: readonly Correction[]
}

const READ_ONLY_MESSAGE = permissionDeniedMessage(READ_ONLY_REASON)

/** A presence message waiting for the next relay: for everyone, for everyone but `except`, or for `only`. */
interface PendingPresence {
  message: Uint8Array
  only: Connection | null
  except: Connection | null
}

/**
 * Yjs client ids one connection may bring into a board. A tab writes with one; a client
 * coming back after the server lost data (restored from a backup) resends others' edits too.
 * Every id stays in the board's state vector for ever and costs every later transaction, so a
 * client inventing ids is closed.
 */
export const MAX_NEW_YJS_CLIENTS_PER_CONNECTION = 32

/** Refusals told to a writer, at most this many listed (the total is always given). */
const MAX_REFUSALS_TOLD = 50

/**
 * One board in memory: its Yjs document, the connections editing it, and their awareness.
 *
 * Authority: every client update is applied in its own transaction; the `onChange` hooks see
 * exactly which entries it created, changed or removed, and what they refuse is set back in
 * that same transaction. What is stored and relayed is the transaction's net effect, so no one
 * else ever sees a refused change, the writer converges back, and its stream of edits is never
 * broken (dropping its update would leave its later ones waiting forever).
 *
 * Durability rule: a document update is stored before anyone else receives it. Updates that
 * arrive within one flush window are applied one by one, stored in one transaction (a row
 * each), then broadcast together: one write per recipient holding them all, each as it was
 * stored (no merging: decoding and re-encoding them cost more than the extra frame headers). A sync step 1 that arrives while a write is in flight is answered once that
 * write is durable, so no client ever sees content a crash could take back.
 */
export class Room {
  readonly doc: Y.Doc
  private readonly connections = new Set<Connection>()
  private readonly awareness: RoomAwareness
  /** Presence renewals waiting to ride along with the next relay (see {@link AwarenessRenewals}). */
  private readonly renewals: AwarenessRenewals
  /** Changes of presence waiting for the next flush (see {@link relay}). */
  private presence: PendingPresence[] = []
  private incoming: Incoming[] = []
  private flushScheduled = false
  private flushing: Promise<void> | null = null
  /** Sync step 1 requests held back while a write is in flight. */
  private waitingStep1: { connection: Connection; stateVector: Uint8Array }[] = []
  private lastSeq: number
  private storedRows: number
  /** Bytes of the board's stored rows. */
  private storedBytes: number
  /** Stored bytes right after the last compaction (or the load): the log's growth is measured from it. */
  private compactedBytes: number
  private failed = false
  private readonly flushScheduler: FlushScheduler
  private readonly hooks: readonly RoomHooks[]
  private readonly sendBudget: SendBudget
  /** Writes `onChange` hooks started for the batch being applied (see {@link holdRelayUntil}). */
  private heldWrites: Promise<unknown>[] = []
  /** Incremented whenever the document changes: keys the cached full state. */
  private version = 0
  /** The whole board as a sync step 2, for newcomers (who have nothing): encoded once per version. */
  private fullState: { version: number; message: Uint8Array } | null = null

  private constructor(
    readonly boardId: string,
    doc: Y.Doc,
    stored: { lastSeq: number; rows: number; bytes: number },
    private readonly options: RoomOptions,
    readonly logger: Logger,
  ) {
    this.doc = doc
    this.lastSeq = stored.lastSeq
    this.storedRows = stored.rows
    this.storedBytes = stored.bytes
    this.compactedBytes = stored.bytes
    this.flushScheduler = options.flushScheduler ?? new FlushScheduler()
    this.hooks = options.hooks ?? []
    this.awareness = new RoomAwareness({ ...DEFAULT_AWARENESS_LIMITS, ...options.awareness })
    this.renewals = new AwarenessRenewals(
      (entry) => this.awareness.isCurrent(entry),
      (message) => {
        this.broadcast(message, null)
        this.options.fanout?.awareness(message)
      },
      options.renewalDelayMs,
    )
    this.sendBudget = options.sendBudget ?? new SendBudget(Number.POSITIVE_INFINITY)
  }

  /** Loads a board's stored updates into a new room, then runs the `onLoad` hooks. */
  static async load(boardId: string, options: RoomOptions): Promise<Room> {
    const { updates, lastSeq } = await options.storage.loadUpdates(boardId)
    const doc = new Y.Doc()
    // Typed before any client writes, so that client updates land in maps the hooks can read.
    getRecordsMap(doc)
    getMetaMap(doc)
    getSessionMap(doc)
    Y.transact(doc, () => {
      for (const update of updates) Y.applyUpdate(doc, update)
    })
    const bytes = updates.reduce((n, u) => n + u.byteLength, 0)
    const room = new Room(boardId, doc, { lastSeq, rows: updates.length, bytes }, options, options.logger.child({ boardId }))
    room.logger.debug('room loaded', { rows: updates.length })
    for (const hook of room.hooks) await hook.onLoad?.({ room })
    return room
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Lists of the people on this board through other instances (none with one instance). */
  peopleElsewhere(): PersonOnBoard[][] {
    return this.options.presence?.others(this.boardId) ?? []
  }

  /** Sequence number of the last row this room stored or loaded. */
  get storedSeq(): number {
    return this.lastSeq
  }

  /**
   * Applies an update another instance stored (it was judged there, by the same rules) and,
   * when it added anything, relays it to this instance's clients as it was stored: a row can
   * hold several writes of one key (a burst stored together), and what the transaction here
   * would report keeps only the last of them — clients here would never see the others, as
   * the other instance's clients did. Nothing is relayed when it was all known already.
   */
  applyRemote(update: Uint8Array): void {
    if (this.failed) return
    let added = false
    const changed = () => void (added = true)
    this.doc.on('update', changed)
    try {
      Y.applyUpdate(this.doc, update, REMOTE_ORIGIN)
    } finally {
      this.doc.off('update', changed)
    }
    if (!added) return
    this.version++
    this.broadcast(syncMessage(SyncMessageType.update, update), null)
  }

  /** Presence from another instance's clients: relayed here, and kept for newcomers. */
  receiveRemoteAwareness(message: Uint8Array): void {
    if (this.awareness.receiveRemote(message)) this.broadcast(message, null)
  }

  /** The lab of this board, or null when it was not known at load. */
  get labId(): string | null {
    return this.options.labId ?? null
  }

  /** The open connections (a copy). */
  listConnections(): Connection[] {
    return [...this.connections]
  }

  /**
   * Adds a socket to the room and starts the sync handshake, unless an `onConnect` hook
   * refuses it (it is then closed with the hook's code).
   */
  addConnection(socket: RoomSocket, role: Connection['role'], identity: ConnectionIdentity): Connection {
    const connection = new Connection(socket, role, identity, this.options.sendBufferLimitBytes, (c) => this.removeConnection(c))
    this.connections.add(connection)
    this.sendBudget.add(connection)
    try {
      for (const hook of this.hooks) hook.onConnect?.({ room: this, connection })
    } catch (err) {
      const refusal = err instanceof ConnectionRefused ? err : new ConnectionRefused(CloseCode.storageFailure, 'could not join the board')
      if (!(err instanceof ConnectionRefused)) this.logger.error('onConnect hook failed', { err })
      connection.close(refusal.code, refusal.reason)
      return connection
    }
    // One write: (read-only notice,) sync step 1, everyone's presence.
    const greeting = [syncMessage(SyncMessageType.step1, Y.encodeStateVector(this.doc))]
    if (!connection.canWrite) greeting.unshift(READ_ONLY_MESSAGE)
    const presence = this.awareness.current()
    if (presence) greeting.push(presence)
    if (greeting.length === 1) connection.send(greeting[0]!)
    else connection.sendAll(greeting)
    return connection
  }

  /** Removes a connection (idempotent) and tells everyone its presence is gone. */
  removeConnection(connection: Connection): void {
    if (!this.connections.delete(connection)) return
    this.sendBudget.delete(connection)
    connection.closed = true
    const gone = this.awareness.remove(connection)
    if (gone) {
      this.queuePresence({ message: gone, only: null, except: null })
      this.options.fanout?.awareness(gone)
    }
    this.waitingStep1 = this.waitingStep1.filter((w) => w.connection !== connection)
    for (const hook of this.hooks) {
      try {
        hook.onDisconnect?.({ room: this, connection })
      } catch (err) {
        this.logger.error('onDisconnect hook failed', { err })
      }
    }
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
        case MessageType.queryAwareness: {
          const presence = this.awareness.current()
          if (presence && connection.allow('queryAwareness')) connection.send(presence)
          break
        }
        case MessageType.auth:
          // Clients have nothing to say in the auth protocol; ignore.
          break
        case MessageType.command:
          this.handleCommand(connection, decoder)
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
        if (!connection.allow('step1')) {
          this.logger.debug('sync step 1 over the rate limit: ignored', { role: connection.role })
          return
        }
        if (this.flushing) this.waitingStep1.push({ connection, stateVector: payload })
        else this.answerStep1(connection, payload)
        break
      case SyncMessageType.step2:
      case SyncMessageType.update:
        if (!connection.canWrite) {
          // A viewer never writes, so dropping its update breaks no stream of edits.
          this.options.refusals?.count(Rule.readOnly)
          this.logger.debug('update from a read-only connection dropped', { role: connection.role })
          return
        }
        this.incoming.push({
          kind: 'client',
          update: payload,
          origin: connection,
          isStep2: subType === SyncMessageType.step2,
          message: subType === SyncMessageType.update && decoder.pos === decoder.arr.byteLength ? decoder.arr : null,
        })
        this.scheduleFlush()
        break
      default:
        throw new Error(`unknown sync message type ${subType}`)
    }
  }

  private answerStep1(connection: Connection, stateVector: Uint8Array): void {
    if (connection.closed) return
    // A client with nothing (a newcomer) gets the whole board: encoded once per version and
    // the same bytes (and WebSocket frame) shared by everyone who asks.
    const hasNothing = stateVector.byteLength === 1 && stateVector[0] === 0
    let message: Uint8Array
    if (hasNothing) {
      if (this.fullState?.version !== this.version) this.fullState = { version: this.version, message: syncMessage(SyncMessageType.step2, Y.encodeStateAsUpdate(this.doc)) }
      message = this.fullState.message
    } else {
      message = syncMessage(SyncMessageType.step2, Y.encodeStateAsUpdate(this.doc, stateVector))
    }
    if (!this.sendBudget.admit(connection, message.byteLength)) {
      this.logger.warn('server memory budget reached: a newcomer is asked to come back', { bytes: message.byteLength })
      connection.close(CloseCode.tooSlow, 'server busy: reconnect to resync')
      return
    }
    connection.sendState(message)
  }

  private handleAwareness(connection: Connection, update: Uint8Array): void {
    const { toSender, toOthers, dropped, renewals } = this.awareness.receive(connection, update)
    if (dropped > 0) this.logger.debug('awareness entries dropped', { dropped, role: connection.role })
    if (renewals) {
      // Nothing new to show: relayed with the next updates, or within RENEWAL_DELAY_MS.
      this.renewals.hold(renewals)
      return
    }
    if (toOthers) this.options.fanout?.awareness(toOthers)
    if (toOthers === toSender) {
      this.queuePresence({ message: toSender, only: null, except: null })
      return
    }
    this.queuePresence({ message: toSender, only: connection, except: null })
    if (toOthers) this.queuePresence({ message: toOthers, only: null, except: connection })
  }

  /**
   * Presence goes out with the room's next flush, like document updates: what arrives within
   * one flush window (people joining together, cursors moving together) reaches each
   * connection in one write, in the order it came.
   */
  private queuePresence(pending: PendingPresence): void {
    this.presence.push(pending)
    this.scheduleFlush()
  }

  private handleCommand(connection: Connection, decoder: decoding.Decoder): void {
    let body: unknown
    try {
      body = readCommandBody(decoder)
    } catch {
      connection.speaksCommands = true
      connection.sendEvent({ type: 'error', id: null, code: CommandErrorCode.malformed, message: 'a command is JSON text' })
      return
    }
    const parsed = parseCommand(body)
    // Whoever sends a command understands the answers.
    connection.speaksCommands = true
    if (!parsed.ok) {
      connection.sendEvent({ type: 'error', id: parsed.id, code: parsed.code, message: parsed.message })
      return
    }
    void this.runCommand(connection, parsed.id, parsed.command)
  }

  private async runCommand(connection: Connection, id: number | null, command: ClientCommand): Promise<void> {
    try {
      let handled = false
      for (const hook of this.hooks) {
        const outcome = hook.onCommand?.({ room: this, connection, command })
        if (outcome === undefined) continue
        handled = true
        await outcome
        break
      }
      if (!handled) throw new CommandError(CommandErrorCode.unknownCommand, `no one handles "${command.type}" here`)
      for (const hook of this.hooks) {
        try {
          hook.afterCommand?.({ room: this, connection, command })
        } catch (err) {
          this.logger.error('afterCommand hook failed', { command: command.type, err })
        }
      }
      connection.sendEvent({ type: 'result', id, command: command.type })
    } catch (err) {
      if (err instanceof CommandError) {
        connection.sendEvent({ type: 'error', id, code: err.code, message: err.message })
        return
      }
      this.logger.error('command failed', { command: command.type, err })
      connection.sendEvent({ type: 'error', id, code: CommandErrorCode.failed, message: 'the server could not do it; nothing was changed' })
    }
  }

  /**
   * For an `onChange` hook that keeps part of a client's change outside the document (a note
   * written during a private round, taken out by a correction and kept for its author only):
   * the update being applied is stored and relayed only once `write` is done, so nobody
   * receives the correction before what it took out is durable. A failed write fails the room
   * like a failed store: clients reconnect and send their edits again.
   */
  holdRelayUntil(write: Promise<unknown>): void {
    // Awaited (and its failure handled) by the flush under way.
    write.catch(() => {})
    this.heldWrites.push(write)
  }

  /**
   * Writes to the board as the server: `write` runs in a transaction of the room's document,
   * in order with clients' updates; its effect is stored, then relayed to everyone (durability
   * rule as for clients). Resolves once stored; rejects if storing failed.
   */
  transact(write: (doc: Y.Doc) => void): Promise<void> {
    if (this.failed) return Promise.reject(new Error(`Room.transact: board ${this.boardId} failed and is closing`))
    return new Promise((resolve, reject) => {
      this.incoming.push({ kind: 'server', write, resolve, reject })
      this.scheduleFlush()
    })
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return
    this.flushScheduled = true
    this.flushScheduler.schedule(() => {
      this.flushScheduled = false
      this.flushing = this.flush()
        .catch((err) => this.fail(err))
        .finally(() => {
          this.flushing = null
          for (const { connection, stateVector } of this.waitingStep1.splice(0)) this.answerStep1(connection, stateVector)
          if (this.incoming.length > 0 || this.presence.length > 0) this.scheduleFlush()
        })
    })
  }

  /** Applies, checks, stores, then broadcasts everything received since the last flush. */
  private async flush(): Promise<void> {
    const batch = this.incoming
    this.incoming = []
    const serverWrites = batch.filter((item) => item.kind === 'server')
    if (batch.length === 0) {
      this.relay([])
      return
    }
    if (this.failed) {
      for (const job of serverWrites) job.reject(new Error(`Room.flush: board ${this.boardId} failed`))
      return
    }
    // What to store and relay. Each update gets its own transaction: were a burst applied in
    // one, a key set twice would have its first value garbage-collected before being relayed,
    // and the other clients would never see that write.
    const parts: Uint8Array[] = []
    /** Per part, its sync update message (the one received when the part is the update received). */
    const messages: Uint8Array[] = []
    /** Per part, the connection it need not be relayed to: its writer, who has it (null: everyone, the writer of a corrected update too). */
    const skip: (Connection | null)[] = []
    const refusals = new Map<Connection, Correction[]>()
    const writeErrors = new Map<Incoming, unknown>()
    for (const item of batch) {
      if (item.kind === 'server') {
        const { update, error } = this.applyServerWrite(item.write)
        if (error !== undefined) writeErrors.set(item, error)
        if (update) {
          parts.push(update)
          messages.push(syncMessage(SyncMessageType.update, update))
          skip.push(null)
        }
        continue
      }
      // Closed meanwhile (e.g. by an earlier update of this batch): the rest of what it sent is dropped.
      if (item.origin.closed) continue
      if (this.storedBytes > (this.options.maxBoardBytes ?? Number.POSITIVE_INFINITY) && !addsNothing(this.doc, item.update)) {
        // Full: what the writer sends is not applied, and it is told (it stops writing). What
        // adds nothing passes (judged as usual): joining, and deletions, which are how a full
        // board is made lighter again.
        this.options.refusals?.count('board-full')
        this.logger.warn('board full: a writer is closed', { bytes: this.storedBytes, role: item.origin.role })
        item.origin.close(CloseCode.boardFull, 'this board is full: it can be read, not written')
        continue
      }
      const { update, corrections } = this.applyClientUpdate(item)
      if (!update) continue
      parts.push(update)
      messages.push(update === item.update && item.message ? item.message : syncMessage(SyncMessageType.update, update))
      skip.push(corrections.length > 0 ? null : item.origin)
      const refused = corrections.filter((c) => c.refused)
      if (refused.length > 0) refusals.set(item.origin, [...(refusals.get(item.origin) ?? []), ...refused])
    }
    if (this.heldWrites.length > 0) {
      try {
        await Promise.all(this.heldWrites.splice(0))
      } catch (err) {
        for (const job of serverWrites) job.reject(err)
        this.fail(err)
        return
      }
    }
    if (parts.length > 0) {
      // A row each, appended in the same task: one transaction, numbered in this order.
      this.version++
      let seqs: number[]
      try {
        seqs = await Promise.all(parts.map((part) => this.options.storage.appendUpdate(this.boardId, part)))
      } catch (err) {
        for (const job of serverWrites) job.reject(err)
        this.fail(err)
        return
      }
      for (let i = 0; i < parts.length; i++) {
        this.storedRows++
        this.storedBytes += parts[i]!.byteLength
        this.options.fanout?.stored(seqs[i]!, parts[i]!)
      }
      this.lastSeq = seqs[seqs.length - 1]!
      this.relay(messages.map((message, i) => ({ message, skip: skip[i]! })))
    } else this.relay([])
    for (const [connection, corrections] of refusals) this.reportRefusals(connection, corrections)
    for (const job of serverWrites) {
      const error = writeErrors.get(job)
      if (error === undefined) job.resolve()
      else job.reject(error)
    }
    const overQuota = this.storedBytes > (this.options.maxBoardBytes ?? Number.POSITIVE_INFINITY)
    // Large rewrites (a big note edited again and again) fill the log fast: compact once it
    // holds more than the board again, so the disk holds at most about twice the board.
    const logHeavy = this.storedBytes - this.compactedBytes > Math.max(this.compactedBytes, COMPACT_AFTER_LOG_BYTES)
    if (this.storedRows >= this.options.compactAfterUpdates || overQuota || logHeavy) await this.compact()
  }

  /**
   * Applies one client update in its own transaction and corrects what the hooks refuse, in
   * the same transaction. Returns what to store and relay: the update as received when nothing
   * was corrected (the common case, no re-encoding), else the transaction's net effect.
   */
  private applyClientUpdate({ update, origin, isStep2 }: Extract<Incoming, { kind: 'client' }>): Applied {
    const doc = this.doc
    const store = doc.store
    const captured: Uint8Array[] = []
    const capture = (u: Uint8Array) => void captured.push(u)
    let listening = false
    // Yjs encodes a transaction's effect at its end only for 'update' listeners.
    const listen = () => {
      if (listening) return
      doc.on('update', capture)
      listening = true
    }
    // A step 2 may repeat known content; updates waiting for missing parts may integrate now.
    if (isStep2 || store.pendingStructs !== null || store.pendingDs !== null) listen()
    let corrections: readonly Correction[] = []
    let malformed: Error | null = null
    let transaction: Y.Transaction | null = null
    const serverClock = Y.getState(store, doc.clientID)
    try {
      Y.transact(
        doc,
        (tr) => {
          transaction = tr
          try {
            Y.applyUpdate(doc, update)
          } catch (err) {
            // Decoding can fail after part of the update was integrated (a corrupt delete set):
            // that part is undone below, like a refusal, and only the net effect is kept.
            malformed = err as Error
            listen()
          }
          // The corrections below are the server's own writes (applyUpdate marked it remote).
          tr.local = true
          // A client that wrote with the server's client id would collide with its corrections.
          if (Y.getState(store, doc.clientID) !== serverClock) doc.clientID = freshClientId(doc)
          // Part of it waits for missing dependencies: relay only what was integrated.
          if (store.pendingStructs !== null || store.pendingDs !== null) listen()
          const changes = collectChanges(tr)
          if (changes.length === 0) return
          corrections = malformed ? refuseAll(changes, Rule.malformedUpdate) : this.checkChanges(origin, changes)
          if (corrections.length === 0) return
          listen()
          for (const correction of corrections) setEntry(tr, correction.change, correction.value)
        },
        origin,
      )
    } finally {
      if (listening) doc.off('update', capture)
    }
    if (malformed) {
      this.logger.warn('invalid update, closing connection', { err: (malformed as Error).message, role: origin.role })
      origin.close(CloseCode.malformedMessage, 'malformed update')
    } else if (transaction) {
      const tr = transaction as Y.Transaction
      let added = 0
      for (const client of tr.afterState.keys()) if (!tr.beforeState.has(client) && client !== doc.clientID) added++
      origin.newYjsClients += added
      if (added > 0 && store.clients.size > (this.options.maxYjsClients ?? Number.POSITIVE_INFINITY)) {
        this.options.refusals?.count('board-full')
        this.logger.warn('board full of Yjs client ids: a writer is closed', { clients: store.clients.size, role: origin.role })
        origin.close(CloseCode.boardFull, 'this board has had too many writers: it can be read, not written')
      } else if (origin.newYjsClients > MAX_NEW_YJS_CLIENTS_PER_CONNECTION) {
        this.logger.warn('a connection writes with too many Yjs client ids, closing it', { role: origin.role, ids: origin.newYjsClients })
        origin.close(CloseCode.malformedMessage, 'too many Yjs client ids on one connection')
      }
    }
    if (!listening) return { update, corrections }
    const net = captured.length === 0 ? null : captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured)
    return { update: net, corrections }
  }

  /** Runs the `onChange` hooks; a hook that throws refuses the whole update (fail closed). */
  private checkChanges(connection: Connection, changes: readonly DocChange[]): readonly Correction[] {
    const all: Correction[] = []
    for (const hook of this.hooks) {
      if (!hook.onChange) continue
      try {
        const corrections = hook.onChange({ room: this, connection, changes })
        if (corrections) all.push(...corrections)
      } catch (err) {
        this.logger.error('onChange hook failed: refusing the update', { err })
        return refuseAll(changes, 'server-error')
      }
    }
    return all
  }

  private applyServerWrite(write: (doc: Y.Doc) => void): { update: Uint8Array | null; error?: unknown } {
    const captured: Uint8Array[] = []
    const capture = (u: Uint8Array) => void captured.push(u)
    this.doc.on('update', capture)
    let error: unknown
    try {
      Y.transact(this.doc, () => write(this.doc), SERVER_ORIGIN)
    } catch (err) {
      // Whatever it wrote before throwing is in memory: it is stored like the rest.
      error = err
    } finally {
      this.doc.off('update', capture)
    }
    const update = captured.length === 0 ? null : captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured)
    return { update, ...(error !== undefined && { error }) }
  }

  /** Counts and logs refused changes, and tells the writer why. */
  private reportRefusals(connection: Connection, refused: Correction[]): void {
    for (const c of refused) this.options.refusals?.count(c.rule)
    const listed = refused.slice(0, MAX_REFUSALS_TOLD).map((c) => ({ id: c.change.path.join('/') || c.change.root, rule: c.rule }))
    this.logger.info('changes refused', {
      role: connection.role,
      identity: connection.identity.id,
      total: refused.length,
      refused: listed.slice(0, 10),
    })
    connection.sendEvent({ type: 'refused', changes: listed, total: refused.length })
  }

  /**
   * A write failed: the document in memory holds content the disk does not. Close every
   * connection so clients reconnect to a room loaded from what is stored; they still hold
   * their edits and send them again.
   */
  private fail(err: unknown): void {
    if (this.failed) return
    this.failed = true
    this.logger.error('storing an update failed, closing the room', { err })
    for (const connection of [...this.connections]) connection.close(CloseCode.storageFailure, 'storage failure, reconnect')
    for (const item of this.incoming.splice(0)) if (item.kind === 'server') item.reject(err)
    this.heldWrites = []
  }

  get isFailed(): boolean {
    return this.failed
  }

  /** Replaces the stored log by one snapshot of the document. */
  async compact(): Promise<void> {
    if (this.storedRows < 2 || this.failed) return
    const snapshot = Y.encodeStateAsUpdate(this.doc)
    // With other instances writing too, only the rows the document is known to hold: one
    // stored elsewhere and not received yet stays in the log.
    const throughSeq = this.options.fanout ? this.options.fanout.heldThrough : this.lastSeq
    try {
      await this.options.storage.compactUpdates(this.boardId, snapshot, throughSeq)
      this.storedRows = 1
      this.storedBytes = snapshot.byteLength
      this.compactedBytes = snapshot.byteLength
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

  /**
   * Relays a flush: the stored updates (each to everyone but the connection it `skip`s: its
   * writer, who has it), then the presence changes waiting, then the presence renewals
   * waiting — all of it in one write per connection. Connections that wrote none of it and
   * had no presence of their own share one list (and one frame buffer).
   */
  private relay(updates: readonly { message: Uint8Array; skip: Connection | null }[]): void {
    const presence = this.presence
    this.presence = []
    const renewals = updates.length > 0 || presence.length > 0 ? this.renewals.take() : null
    if (renewals) this.options.fanout?.awareness(renewals)
    const writers = new Set<Connection>()
    for (const u of updates) if (u.skip) writers.add(u.skip)
    let shared: Uint8Array[] | null = null
    if (presence.length === 0) {
      shared = updates.map((u) => u.message)
      if (renewals) shared.push(renewals)
    }
    for (const connection of this.connections) {
      let frames: readonly Uint8Array[]
      if (shared && !writers.has(connection)) frames = shared
      else {
        const own: Uint8Array[] = []
        for (const u of updates) if (u.skip !== connection) own.push(u.message)
        for (const p of presence) if (p.only ? p.only === connection : p.except !== connection) own.push(p.message)
        if (renewals) own.push(renewals)
        frames = own
      }
      if (frames.length === 1) connection.send(frames[0]!)
      else if (frames.length > 1) connection.sendAll(frames)
    }
  }

  /**
   * Sends one of Fabrique's events to every connection in `audience` that speaks them, on this
   * instance and (unless `localOnly`) on every other one holding the board.
   */
  broadcastEvent(event: ServerEvent, audience: EventAudience = {}): void {
    for (const connection of this.connections) if (connection !== audience.except && inAudience(connection, audience)) connection.sendEvent(event)
    if (!audience.localOnly) this.options.fanout?.event(event, { ...(audience.identityId !== undefined && { identityId: audience.identityId }), ...(audience.roles && { roles: audience.roles }) })
  }

  receiveRemoteEvent(event: ServerEvent, audience: Audience): void {
    for (const connection of this.connections) if (inAudience(connection, audience)) connection.sendEvent(event)
  }

  /** Closes the connections in `audience` with `code`, here and on every other instance; returns how many were closed here. */
  closeAudience(audience: Audience, code: number, reason: string): number {
    const closed = this.closeRemote(audience, code, reason)
    this.options.fanout?.closeConnections(audience, code, reason)
    return closed
  }

  closeRemote(audience: Audience, code: number, reason: string): number {
    return this.closeWhere((c) => inAudience(c, audience), code, reason)
  }

  /** Resolves once every received update is stored. */
  async settle(): Promise<void> {
    while (this.flushing || this.flushScheduled || this.incoming.length > 0 || this.presence.length > 0) {
      if (this.flushing) await this.flushing
      else await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** Closes every connection with `code`; used at shutdown and unload. */
  /** Closes the connections `filter` picks; returns how many. */
  closeWhere(filter: (connection: Connection) => boolean, code: number, reason: string): number {
    let closed = 0
    for (const connection of [...this.connections]) {
      if (!filter(connection)) continue
      connection.close(code, reason)
      closed++
    }
    return closed
  }

  closeAll(code: number, reason: string): void {
    for (const connection of [...this.connections]) connection.close(code, reason)
  }

  /** Runs the `onUnload` hooks (errors are logged), then frees the document. */
  async unload(): Promise<void> {
    for (const hook of this.hooks) {
      try {
        await hook.onUnload?.({ room: this })
      } catch (err) {
        this.logger.error('onUnload hook failed', { err })
      }
    }
    this.destroy()
  }

  destroy(): void {
    this.renewals.clear()
    this.doc.destroy()
  }
}

function refuseAll(changes: readonly DocChange[], rule: string): Correction[] {
  return changes.map((change) => ({ change, value: change.before, rule, refused: true }))
}

/** A client id no one has written with in `doc`. */
function freshClientId(doc: Y.Doc): number {
  for (;;) {
    const id = Math.floor(Math.random() * 0xffffffff) >>> 0
    if (!doc.store.clients.has(id)) return id
  }
}
