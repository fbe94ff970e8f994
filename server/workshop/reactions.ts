import { CommandErrorCode } from '../../shared/commands'
import { REACTION_RATE, type Reaction } from '../../shared/workshop/reactions'
import { RateLimiter } from '../access/RateLimiter'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { CommandError } from '../rooms/RoomHooks'
import { requireWriter } from './workshopAccess'

/** Per person (identity) on one board: a burst of `REACTION_RATE.burst`, then one every `REACTION_RATE.everyMs`. */
export function reactionLimiter(now?: () => number): RateLimiter {
  return new RateLimiter(REACTION_RATE.burst, REACTION_RATE.burst * REACTION_RATE.everyMs, now)
}

/**
 * A reaction floats on every screen, the sender's included; it is stored nowhere. Viewers do
 * not react; over the rate, the sender is told and nobody else hears of it.
 */
export function react(room: Room, connection: Connection, emoji: Reaction, limiter: RateLimiter): void {
  requireWriter(connection, 'react')
  const wait = limiter.take(connection.identity.id)
  if (wait > 0) throw new CommandError(CommandErrorCode.rateLimited, `too many reactions: wait ${Math.ceil(wait / 1000)} s`)
  const { id, name, color } = connection.identity
  room.broadcastEvent({ type: 'reaction', emoji, from: { id, name, color } })
}
