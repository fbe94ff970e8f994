import type { PersonOnBoard } from '../../shared/commands'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'

const RANK = { facilitator: 3, participant: 2, viewer: 1 } as const

/** Who is on a board right now: one entry per identity, with its strongest role and tab count. */
export function peopleOnBoard(room: Room): PersonOnBoard[] {
  const people = new Map<string, PersonOnBoard>()
  for (const c of room.listConnections()) {
    const person = people.get(c.identity.id)
    if (person) {
      person.connections++
      if (RANK[c.role] > RANK[person.role]) person.role = c.role
      continue
    }
    people.set(c.identity.id, { identityId: c.identity.id, name: c.identity.name, color: c.identity.color, role: c.role, connections: 1 })
  }
  return [...people.values()].sort((a, b) => RANK[b.role] - RANK[a.role] || a.name.localeCompare(b.name))
}

/** Tells the board's facilitators who is on it (when one of them listens). */
export function announcePeople(room: Room): void {
  const listening = (c: Connection) => c.role === 'facilitator' && c.speaksCommands
  if (!room.listConnections().some(listening)) return
  // This instance's people only (with several instances, each facilitator sees those on theirs).
  room.broadcastEvent({ type: 'people', people: peopleOnBoard(room) }, { roles: ['facilitator'], localOnly: true })
}
