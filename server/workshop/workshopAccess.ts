import { CommandErrorCode, type ServerEvent } from '../../shared/commands'
import { canManageLab } from '../../shared/roles'
import type { Storage } from '../persistence/Storage'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { CommandError } from '../rooms/RoomHooks'

/** Answers a command with `invalid` and `reason`; nothing else happens. */
export function invalid(reason: string): CommandError {
  return new CommandError(CommandErrorCode.invalid, reason)
}

/** Refuses the command (`forbidden`) unless the sender is a facilitator. */
export function requireFacilitator(connection: Connection, what: string): void {
  if (!canManageLab(connection.role)) throw new CommandError(CommandErrorCode.forbidden, `only a facilitator can ${what}`)
}

/** Refuses the command (`forbidden`) when the sender may not write (a viewer). */
export function requireWriter(connection: Connection, what: string): void {
  if (!connection.canWrite) throw new CommandError(CommandErrorCode.forbidden, `viewers cannot ${what}`)
}

/** Sends `event` to every connection of one person (their tabs and devices), and to no one else. */
export function sendToIdentity(room: Room, identityId: string, event: ServerEvent, except: Connection | null = null): void {
  room.broadcastEvent(event, { identityId, except })
}

/** Sends `event` to the people a facilitator steers: participants and viewers (facilitators decide for themselves). */
export function sendToAudience(room: Room, event: ServerEvent): void {
  room.broadcastEvent(event, { roles: ['participant', 'viewer'] })
}

/**
 * Names and colours of people, for results and reveals: as they are on the board now, else as
 * the server stored them. People it knows neither way (a connection without identity that
 * left) are missing from the answer.
 */
export async function peopleNamed(room: Room, storage: Storage, identityIds: Iterable<string>): Promise<Map<string, { name: string; color: string }>> {
  const named = new Map<string, { name: string; color: string }>()
  const live = new Map(room.listConnections().map((c) => [c.identity.id, c.identity] as const))
  for (const id of new Set(identityIds)) {
    const identity = live.get(id) ?? (await storage.getIdentity(id))
    if (identity) named.set(id, { name: identity.name, color: identity.color })
  }
  return named
}

/** Now, as the session stores times (ISO). */
export const isoNow = (): string => new Date().toISOString()
