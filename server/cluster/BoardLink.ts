import type { Logger } from '../logger'
import type { Storage } from '../persistence/Storage'
import type { Cluster } from './Cluster'
import type { ServerEvent } from '../../shared/commands'
import type { Audience, ClusterMessage } from './clusterMessages'
import { SeqWatermark } from './SeqWatermark'

/** What a board's link needs of its room. */
export interface LinkedRoom {
  /** Applies an update another instance stored (already judged) and relays what was new to this instance's clients. */
  applyRemote(update: Uint8Array): void
  /** Presence from another instance's clients: relayed to this instance's, kept for newcomers. */
  receiveRemoteAwareness(message: Uint8Array): void
  /** An event for this board's connections in `audience`, sent on another instance. */
  receiveRemoteEvent(event: ServerEvent, audience: Audience): void
  /** Closes this instance's connections in `audience` (decided on another instance). */
  closeRemote(audience: Audience, code: number, reason: string): void
}

/** What a room tells the other instances through its link (see `RoomOptions.fanout`). */
export interface RoomFanout {
  /** An update was stored under `seq`: the others apply it. */
  stored(seq: number, update: Uint8Array): void
  /** An awareness message from this instance's clients, as relayed to them. */
  awareness(message: Uint8Array): void
  /** An event sent to this board's connections in `audience`: the others send it to theirs. */
  event(event: ServerEvent, audience: Audience): void
  /** This board's connections in `audience` are closed: the others close theirs. */
  closeConnections(audience: Audience, code: number, reason: string): void
  /** The document holds every stored row up to this one: compaction may replace those, no more. */
  readonly heldThrough: number
}

export interface BoardLinkOptions {
  cluster: Cluster
  storage: Storage
  logger: Logger
  /** How long a gap in the rows received may stay open before the room reads storage. */
  gapMs: number
  /** How often a room reads storage anyway (a last message lost is seen by no later gap). */
  pollMs: number
}

/** Messages a link keeps while its board loads; past it, the load's catch-up brings the rest. */
const MAX_BUFFERED = 1000

/**
 * One board's link to the other instances: it subscribes to the board's channel before the
 * board is read from storage (so nothing published meanwhile is missed), applies the others'
 * stored updates to the room in sequence order, and publishes what the room stores and the
 * presence of its clients. When a row is missing (a message lost while Redis was down, or one
 * still on its way) for longer than `gapMs`, or every `pollMs`, or after the link to Redis came
 * back, it reads the rows it lacks from storage: boards always converge, whatever was lost.
 */
export class BoardLink implements RoomFanout {
  private room: LinkedRoom | null = null
  private buffered: ClusterMessage[] = []
  private watermark = new SeqWatermark(0)
  private gapTimer: NodeJS.Timeout | null = null
  private pollTimer: NodeJS.Timeout | null = null
  private catchingUp: Promise<void> | null = null
  private catchUpAgain = false
  private readonly unsubscribe: () => void
  private closed = false
  /** Rows read from storage by catch-ups (tests and logs). */
  caughtUpRows = 0

  constructor(
    readonly boardId: string,
    private readonly options: BoardLinkOptions,
  ) {
    this.unsubscribe = options.cluster.subscribe(boardId, (m) => this.receive(m), () => void this.catchUp())
  }

  /** The room is loaded with every row up to `lastSeq`: messages kept meanwhile are applied. */
  attach(room: LinkedRoom, lastSeq: number): void {
    if (this.closed) return
    this.room = room
    this.watermark = new SeqWatermark(lastSeq)
    const buffered = this.buffered
    this.buffered = []
    for (const message of buffered) this.receive(message)
    // What was stored between reading the board and the subscription taking effect.
    void this.catchUp()
    // Boards loaded together do not all poll together: the first poll comes at a random point.
    this.pollTimer = setTimeout(() => {
      void this.catchUp()
      this.pollTimer = setInterval(() => void this.catchUp(), this.options.pollMs)
      this.pollTimer.unref()
    }, Math.random() * this.options.pollMs)
    this.pollTimer.unref()
  }

  get heldThrough(): number {
    return this.watermark.value
  }

  stored(seq: number, update: Uint8Array): void {
    this.watermark.add(seq)
    this.options.cluster.publish(this.boardId, { kind: 'update', from: this.options.cluster.instanceId, seq, update })
    if (this.watermark.hasGap) this.scheduleGapCheck()
  }

  awareness(message: Uint8Array): void {
    this.options.cluster.publish(this.boardId, { kind: 'awareness', from: this.options.cluster.instanceId, update: message })
  }

  event(event: ServerEvent, audience: Audience): void {
    this.options.cluster.publish(this.boardId, { kind: 'event', from: this.options.cluster.instanceId, audience, event })
  }

  closeConnections(audience: Audience, code: number, reason: string): void {
    this.options.cluster.publish(this.boardId, { kind: 'close', from: this.options.cluster.instanceId, audience, code, reason })
  }

  private receive(message: ClusterMessage): void {
    if (this.closed || message.from === this.options.cluster.instanceId) return
    const room = this.room
    if (!room) {
      if (this.buffered.length < MAX_BUFFERED) this.buffered.push(message)
      return
    }
    try {
      if (message.kind === 'awareness') {
        room.receiveRemoteAwareness(message.update)
        return
      }
      if (message.kind === 'event') {
        room.receiveRemoteEvent(message.event, message.audience)
        return
      }
      if (message.kind === 'close') {
        room.closeRemote(message.audience, message.code, message.reason)
        return
      }
      // Already in the document (read from storage, or a message received twice).
      if (message.seq <= this.watermark.value) return
      room.applyRemote(message.update)
      this.watermark.add(message.seq)
      if (this.watermark.hasGap) this.scheduleGapCheck()
    } catch (err) {
      this.options.logger.warn('a message from another instance could not be applied: reading storage', { boardId: this.boardId, err: (err as Error).message })
      void this.catchUp()
    }
  }

  private scheduleGapCheck(): void {
    if (this.gapTimer || this.closed) return
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null
      if (this.watermark.hasGap) void this.catchUp()
    }, this.options.gapMs)
    this.gapTimer.unref()
  }

  /** Reads from storage every row past what the document holds, and applies them. */
  catchUp(): Promise<void> {
    if (this.closed || !this.room) return Promise.resolve()
    if (this.catchingUp) {
      this.catchUpAgain = true
      return this.catchingUp
    }
    this.catchingUp = (async () => {
      do {
        this.catchUpAgain = false
        const from = this.watermark.value
        try {
          const { updates, lastSeq } = await this.options.storage.loadUpdatesSince(this.boardId, from)
          if (this.closed || !this.room) return
          if (updates.length > 0) {
            // Row by row, as they were stored: each relayed whole if it adds anything (see Room.applyRemote).
            for (const update of updates) this.room.applyRemote(update)
            this.caughtUpRows += updates.length
            if (this.watermark.hasGap || lastSeq > from + updates.length) this.options.logger.debug('caught up from storage', { boardId: this.boardId, from, to: lastSeq, rows: updates.length })
          }
          this.watermark.advanceTo(lastSeq)
        } catch (err) {
          this.options.logger.warn('catching up from storage failed: tried again later', { boardId: this.boardId, err: (err as Error).message })
          return
        }
      } while (this.catchUpAgain && !this.closed)
    })().finally(() => {
      this.catchingUp = null
      if (this.watermark.hasGap) this.scheduleGapCheck()
    })
    return this.catchingUp
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribe()
    if (this.gapTimer) clearTimeout(this.gapTimer)
    if (this.pollTimer) {
      clearTimeout(this.pollTimer)
      clearInterval(this.pollTimer)
    }
    this.room = null
    this.buffered = []
  }
}
