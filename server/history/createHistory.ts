import type { SerializedSchema } from '@tldraw/store'
import type { Logger } from '../logger'
import type { Storage, StoredCheckpoint } from '../persistence/Storage'
import type { Room } from '../rooms/Room'
import type { RoomHooks } from '../rooms/RoomHooks'
import { BoardHistory } from './BoardHistory'

export interface HistoryOptions {
  storage: Storage
  logger: Logger
  /** An automatic checkpoint is taken once a board's edits have stopped this long (`CHECKPOINT_IDLE_MS`). */
  checkpointIdleMs: number
  /** Deleted records stay in a board's bin this many days (`BIN_RETENTION_DAYS`). */
  binRetentionDays: number
  /** This server's tldraw schema (prebuilt with the production build). */
  currentSchema: () => Promise<SerializedSchema>
  now?: () => number
  /** Told of every checkpoint kept (e.g. tests waiting for one). */
  onCheckpoint?: (checkpoint: StoredCheckpoint) => void
}

/** The boards' history: room hooks, and each loaded board's {@link BoardHistory} for the API. */
export interface History {
  readonly hooks: RoomHooks
  /** The history of a loaded board. */
  of(room: Room): BoardHistory
  /** Oldest deletion time a bin still shows (ISO), as of now. */
  binCutoff(): string
  readonly binRetentionDays: number
}

/** The bin of every board is emptied of what is past the retention at most this often (when a board loads). */
const PURGE_EVERY_MS = 60 * 60 * 1000

/**
 * A board's history as room hooks: automatic checkpoints (edits idle for `checkpointIdleMs`;
 * the last person leaving after edits; the board leaving memory with edits not in a
 * checkpoint), who contributed since the previous one, deleted records kept in the bin; and,
 * for the API, named checkpoints, restore and put-back (see {@link BoardHistory}).
 *
 * Runs after the board's rules and the workshop: it sees what they accepted.
 */
export function createHistory({ storage, logger, checkpointIdleMs, binRetentionDays, currentSchema, now = Date.now, onCheckpoint }: HistoryOptions): History {
  const boards = new WeakMap<Room, BoardHistory>()
  const binRetentionMs = binRetentionDays * 24 * 60 * 60 * 1000
  const binCutoff = () => new Date(now() - binRetentionMs).toISOString()
  let lastPurge = Number.NEGATIVE_INFINITY
  const purge = async () => {
    if (now() - lastPurge < PURGE_EVERY_MS) return
    lastPurge = now()
    try {
      const purged = await storage.purgeBin(binCutoff())
      if (purged > 0) logger.info('bins emptied of records deleted too long ago', { purged, retentionDays: binRetentionDays })
    } catch (err) {
      logger.error('emptying the bins failed', { err })
    }
  }
  const hooks: RoomHooks = {
    async onLoad({ room }) {
      boards.set(room, new BoardHistory(room, { storage, logger, idleMs: checkpointIdleMs, binRetentionMs, currentSchema, now, ...(onCheckpoint && { onCheckpoint }) }))
      await purge()
    },
    onDisconnect({ room }) {
      boards.get(room)?.onDisconnect()
    },
    async onUnload({ room }) {
      const history = boards.get(room)
      boards.delete(room)
      await history?.close()
    },
  }
  return {
    hooks,
    of(room) {
      const history = boards.get(room)
      if (!history) throw new Error(`history: board ${room.boardId} is not loaded`)
      return history
    },
    binCutoff,
    binRetentionDays,
  }
}
