import type { ClientCommand, CommandErrorCode } from '../../shared/commands'
import type { Connection } from './Connection'
import type { Room } from './Room'
import type { DocChange } from './transactionChanges'

/**
 * What a room lets other code do at each step of its life, in the spirit of Hocuspocus's
 * `on*` hooks: one payload object each, run in the order the hooks were given. Fabrique's
 * board rules (`server/authority/`) are one user of them.
 */
export interface RoomHooks {
  /** The board's stored state is loaded; no connection is served before this resolves. */
  onLoad?(payload: { room: Room }): void | Promise<void>
  /** A connection joined. Throw a {@link ConnectionRefused} to close it at once. */
  onConnect?(payload: { room: Room; connection: Connection }): void
  /**
   * A client's update was applied to the room's document, inside its transaction, before
   * anything is stored or relayed: return the corrections to write in the same transaction.
   * Must be synchronous; a hook that throws refuses every change of the update.
   */
  onChange?(payload: { room: Room; connection: Connection; changes: readonly DocChange[] }): readonly Correction[] | void
  /**
   * A command from a connection. Return undefined when it is not this hook's; otherwise do it
   * (a {@link CommandError} answers the sender with its code). Resolving answers `result`.
   */
  onCommand?(payload: { room: Room; connection: Connection; command: ClientCommand }): undefined | Promise<void>
  /**
   * A command was carried out (by whichever hook handled it), just before its `result` is
   * sent: e.g. after `hello`, to send a newcomer the state that is only its own (its ballot,
   * its private notes). Synchronous; errors are logged.
   */
  afterCommand?(payload: { room: Room; connection: Connection; command: ClientCommand }): void
  /** A connection left (closed by either side). */
  onDisconnect?(payload: { room: Room; connection: Connection }): void
  /** The room is leaving memory: everything received is stored. */
  onUnload?(payload: { room: Room }): void | Promise<void>
}

/** How an entry of the document is set right by the server, and why. */
export interface Correction {
  change: DocChange
  /** What the entry becomes: its value before for a refusal, a stamped value for a rewrite. */
  value: unknown
  /** The rule that asked for it. */
  rule: string
  /** A refusal (counted and told to the writer), as opposed to a silent rewrite such as stamping the author. */
  refused: boolean
}

/** Thrown by an `onCommand` hook: the command is answered with this error, nothing else happens. */
export class CommandError extends Error {
  override name = 'CommandError'
  constructor(
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Thrown by an `onConnect` hook: the connection is closed with this code and reason. */
export class ConnectionRefused extends Error {
  override name = 'ConnectionRefused'
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(reason)
  }
}
