/**
 * Wire constants of the y-websocket protocol, as spoken by Fabrique's sync server and by the
 * stock `y-websocket` client. Every message starts with a varUint message type.
 */
export const MessageType = {
  /** y-protocols/sync: sync step 1, sync step 2 or update. */
  sync: 0,
  /** y-protocols/awareness: an awareness update. */
  awareness: 1,
  /** y-protocols/auth: permission denied + reason. Fabrique uses it to announce read-only. */
  auth: 2,
  /** Ask the other side to send its full awareness state. */
  queryAwareness: 3,
  /**
   * Fabrique's commands (client → server) and events (server → client), as JSON text (see
   * `shared/commands.ts`). Outside y-websocket's numbers; events go only to clients that said
   * `hello`, so a stock client never receives one.
   */
  command: 100,
} as const

/** Sub-types of a `sync` message. */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const

/** Sub-type of an `auth` message (y-protocols/auth). */
export const AuthMessageType = {
  permissionDenied: 0,
} as const

/**
 * Reason sent in an `auth` permission-denied message to a viewer: the stock client logs it,
 * Fabrique's client switches the board to read-only.
 */
export const READ_ONLY_REASON = 'read-only'

/**
 * Path prefix of WebSocket upgrades: `/sync/<boardId>?ticket=…` (browsers: a single-use
 * ticket from `POST /api/boards/:boardId/tickets`), or `?token=…&identity=…` (scripts,
 * stock y-websocket clients).
 */
export const SYNC_PATH_PREFIX = '/sync/'

/**
 * WebSocket close codes used by the server. The stock y-websocket client (3.x) does not
 * reconnect after a close code in 4400–4499 and reconnects after anything else.
 */
export const CloseCode = {
  /** Normal shutdown of the server: clients reconnect to the next instance. */
  serverShutdown: 1001,
  /** The client could not keep up with the board: reconnect and resync. */
  tooSlow: 4503,
  /** The client stopped answering pings. */
  deadConnection: 4504,
  /** The board could not be stored: reconnect, the client still holds its edits. */
  storageFailure: 4500,
  /** A message could not be decoded: the client is broken, do not retry. */
  malformedMessage: 4400,
  /** The board was removed while connected. */
  boardGone: 4404,
  /** A facilitator removed this person from the board: do not retry. */
  removed: 4403,
  /** The board reached its maximum size: it can be read, not written (do not retry). */
  boardFull: 4413,
  /**
   * The secret this connection was opened with (its role's link) was replaced by a
   * facilitator: it no longer opens the lab. Do not retry with it; a facilitator's client
   * that rotated its own secret reconnects with the new one.
   */
  secretRotated: 4401,
  /** Too much was sent before the board was loaded: reconnect more gently. */
  tooManyEarlyMessages: 4508,
} as const
