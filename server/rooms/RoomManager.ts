import type { PersonOnBoard } from '../../shared/commands'
import type { Role } from '../../shared/roles'
import type { Logger } from '../logger'
import type { Storage } from '../persistence/Storage'
import { BoardLink } from '../cluster/BoardLink'
import type { Cluster } from '../cluster/Cluster'
import { FlushScheduler } from './FlushScheduler'
import { RefusalCounter } from './RefusalCounter'
import { SendBudget } from './SendBudget'
import { Room } from './Room'
import type { AwarenessLimits } from './RoomAwareness'
import type { RoomHooks } from './RoomHooks'

export interface RoomManagerOptions {
  storage: Storage
  logger: Logger
  sendBufferLimitBytes: number
  compactAfterUpdates: number
  /** How long an empty room stays in memory before it is unloaded. */
  roomIdleMs: number
  /** Under load, least time between two runs of the rooms' flushes (group commit, see FlushScheduler); 0: at the end of the socket callback. */
  flushWindowMs?: number
  /** Run by every room, in order (see {@link RoomHooks}). */
  hooks?: readonly RoomHooks[]
  awareness?: Partial<AwarenessLimits>
  /** Longest a presence renewal waits for a relay to ride along with (see `AwarenessRenewals`). */
  renewalDelayMs?: number
  /** Unsent bytes all connections may hold together; unbounded when not given. */
  sendBudgetBytes?: number
  /** Largest board in stored bytes; unbounded when not given. */
  maxBoardBytes?: number
  /** Most Yjs client ids a board may hold; unbounded when not given. */
  maxYjsClients?: number
  /**
   * Other instances on the same storage, and how each board's link catches up with them
   * (see {@link BoardLink}); one instance alone when not given.
   */
  cluster?: { bus: Cluster; gapMs: number; pollMs: number; presence?: { others(boardId: string): PersonOnBoard[][] } }
}

interface RoomEntry {
  /** Resolves once the board's stored state is loaded. */
  ready: Promise<Room>
  idleTimer: NodeJS.Timeout | null
  /** Set while the room is being unloaded; a newcomer waits for it, then loads afresh. */
  unloading: Promise<void> | null
  /** The room once loaded (what {@link RoomManager.closeConnectionsOf} reaches synchronously). */
  room: Room | null
  /** Its link to the other instances (with a cluster). */
  link: BoardLink | null
}

/**
 * Keeps the rooms in memory: loads each board once however many clients connect at the same
 * moment, and unloads a room some time after its last client left, once its writes are done.
 */
export class RoomManager {
  private readonly rooms = new Map<string, RoomEntry>()
  /** How many times a board's stored state was read; tests use it to check loads are shared. */
  loadCount = 0
  private readonly flushScheduler: FlushScheduler
  /** Changes refused in every room since start, by rule. */
  readonly refusals = new RefusalCounter()
  readonly sendBudget: SendBudget
  /** How many times each lab's role secret was rotated here (`<labId> <role>`), see {@link secretEpoch}. */
  private readonly secretEpochs = new Map<string, number>()

  private readonly stopResync: (() => void) | null

  constructor(private readonly options: RoomManagerOptions) {
    this.sendBudget = new SendBudget(options.sendBudgetBytes ?? Number.POSITIVE_INFINITY)
    this.flushScheduler = new FlushScheduler(options.flushWindowMs ?? 0)
    // Back from a cut with the other instances: what they published meanwhile is in storage.
    this.stopResync = options.cluster?.bus.onResync(() => {
      for (const entry of this.rooms.values()) void entry.link?.catchUp()
    }) ?? null
    // What another instance decided for connections here: a secret replaced, a board deleted.
    this.stopInstances =
      options.cluster?.bus.subscribeInstances((message) => {
        if (message.kind === 'lab-close') this.closeConnectionsHere(message.labId, message.role, message.code, message.reason)
        else if (message.kind === 'evict') void this.evictHere(message.boardId, message.code, message.reason)
      }) ?? null
  }

  private readonly stopInstances: (() => void) | null

  /** The loaded room of a board, loading it if needed. */
  async getRoom(boardId: string): Promise<Room> {
    let entry = this.rooms.get(boardId)
    while (entry?.unloading) {
      await entry.unloading
      entry = this.rooms.get(boardId)
    }
    if (!entry) {
      // Listening to the others before reading storage: nothing they store meanwhile is missed.
      const cluster = this.options.cluster
      const link = cluster ? new BoardLink(boardId, { cluster: cluster.bus, storage: this.options.storage, logger: this.options.logger, gapMs: cluster.gapMs, pollMs: cluster.pollMs }) : null
      entry = { ready: this.load(boardId, link), idleTimer: null, unloading: null, room: null, link }
      this.rooms.set(boardId, entry)
      const created = entry
      created.ready.then(
        (room) => {
          created.room = room
          link?.attach(room, room.storedSeq)
        },
        () => {
          link?.close()
          if (this.rooms.get(boardId) === created) this.rooms.delete(boardId)
        },
      )
    }
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer)
      entry.idleTimer = null
    }
    const room = await entry.ready
    if (room.isFailed) {
      // A room whose storage failed is dropped; the next client gets a fresh load.
      await this.unload(boardId)
      return this.getRoom(boardId)
    }
    return room
  }

  private async load(boardId: string, link: BoardLink | null): Promise<Room> {
    this.loadCount++
    const board = await this.options.storage.getBoard(boardId)
    return Room.load(boardId, {
      labId: board?.labId ?? null,
      storage: this.options.storage,
      logger: this.options.logger,
      sendBufferLimitBytes: this.options.sendBufferLimitBytes,
      compactAfterUpdates: this.options.compactAfterUpdates,
      hooks: this.options.hooks,
      awareness: this.options.awareness,
      renewalDelayMs: this.options.renewalDelayMs,
      flushScheduler: this.flushScheduler,
      refusals: this.refusals,
      sendBudget: this.sendBudget,
      maxBoardBytes: this.options.maxBoardBytes,
      maxYjsClients: this.options.maxYjsClients,
      onEmpty: (room) => this.scheduleUnload(room),
      ...(link && { fanout: link }),
      ...(this.options.cluster?.presence && { presence: this.options.cluster.presence }),
    })
  }

  /**
   * A counter bumped each time a secret of `role` in lab `labId` is rotated on this server.
   * An upgrade reads it before checking its secret and again just before joining its room:
   * if it changed meanwhile, the secret it was let in with may be the old one, and it is
   * closed like the others (no connection slips through a rotation while its board loads).
   */
  secretEpoch(labId: string, role: Role): number {
    return this.secretEpochs.get(`${labId} ${role}`) ?? 0
  }

  /**
   * A secret of `role` in lab `labId` was just replaced (and stored): closes, with `code`,
   * every open connection of that lab's boards that was let in as `role`; the other roles'
   * stay. Returns how many were closed.
   */
  closeConnectionsOf(labId: string, role: Role, code: number, reason: string): number {
    const bus = this.options.cluster?.bus
    bus?.publishInstances({ kind: 'lab-close', from: bus.instanceId, labId, role, code, reason })
    return this.closeConnectionsHere(labId, role, code, reason)
  }

  private closeConnectionsHere(labId: string, role: Role, code: number, reason: string): number {
    const key = `${labId} ${role}`
    this.secretEpochs.set(key, this.secretEpoch(labId, role) + 1)
    let closed = 0
    for (const entry of this.rooms.values()) {
      if (entry.room?.labId === labId) closed += entry.room.closeWhere((c) => c.role === role, code, reason)
    }
    if (closed > 0) this.options.logger.info('connections closed: their secret was replaced', { labId, role, closed })
    return closed
  }

  /**
   * The board was deleted: closes every open connection of it with `code` and takes it out of
   * memory now (what it received is stored first, its `onUnload` hooks run), so nothing is
   * written for it afterwards. Resolves once it is gone from memory (at once when it was not
   * loaded). A client arriving meanwhile waits, then loads it afresh.
   */
  async evict(boardId: string, code: number, reason: string): Promise<void> {
    const bus = this.options.cluster?.bus
    bus?.publishInstances({ kind: 'evict', from: bus.instanceId, boardId, code, reason })
    return this.evictHere(boardId, code, reason)
  }

  private async evictHere(boardId: string, code: number, reason: string): Promise<void> {
    const entry = this.rooms.get(boardId)
    if (!entry) return
    if (entry.unloading) return entry.unloading
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.idleTimer = null
    entry.unloading = (async () => {
      try {
        const room = await entry.ready
        room.closeAll(code, reason)
        await room.settle()
        await room.compact()
        await room.unload()
        this.options.logger.debug('room evicted', { boardId })
      } catch (err) {
        this.options.logger.error('evicting a room failed', { boardId, err })
      }
      entry.link?.close()
      this.rooms.delete(boardId)
    })()
    return entry.unloading
  }

  /** A board's room when it is loaded here (and not leaving memory), else null. */
  loadedRoom(boardId: string): Room | null {
    const entry = this.rooms.get(boardId)
    return entry && !entry.unloading ? entry.room : null
  }

  /** Boards currently in memory. */
  get loadedBoardIds(): string[] {
    return [...this.rooms.keys()]
  }

  /** For a client that got a room from {@link getRoom} but does not join it: an empty room leaves memory as usual. */
  leaveUnjoined(room: Room): void {
    if (room.connectionCount === 0) this.scheduleUnload(room)
  }

  private scheduleUnload(room: Room): void {
    const entry = this.rooms.get(room.boardId)
    if (!entry || entry.unloading) return
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null
      if (room.connectionCount === 0) void this.unload(room.boardId)
    }, this.options.roomIdleMs)
  }

  /** Stores what is pending, compacts, then drops the room from memory. */
  private unload(boardId: string): Promise<void> {
    const entry = this.rooms.get(boardId)
    if (!entry) return Promise.resolve()
    if (entry.unloading) return entry.unloading
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.unloading = (async () => {
      try {
        const room = await entry.ready
        await room.settle()
        if (room.connectionCount > 0 && !room.isFailed) {
          // Someone joined while we were settling: keep the room.
          entry.unloading = null
          return
        }
        await room.compact()
        room.closeAll(1001, 'board unloaded')
        await room.unload()
        this.options.logger.debug('room unloaded', { boardId })
      } catch (err) {
        this.options.logger.error('unloading a room failed', { boardId, err })
      }
      entry.link?.close()
      this.rooms.delete(boardId)
    })()
    return entry.unloading
  }

  /** Stores everything pending in every room and closes their connections (shutdown). */
  async closeAll(code: number, reason: string): Promise<void> {
    const entries = [...this.rooms.entries()]
    await Promise.all(
      entries.map(async ([boardId, entry]) => {
        try {
          const room = await entry.ready
          await room.settle()
          room.closeAll(code, reason)
          await room.settle()
          await room.unload()
        } catch (err) {
          this.options.logger.error('closing a room failed', { boardId, err })
        }
        if (entry.idleTimer) clearTimeout(entry.idleTimer)
        entry.link?.close()
        this.rooms.delete(boardId)
      }),
    )
    this.stopResync?.()
    this.stopInstances?.()
  }
}
