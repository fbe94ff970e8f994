import type { PersonOnBoard } from '../../shared/commands'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'

const RANK = { facilitator: 3, participant: 2, viewer: 1 } as const

/** One entry per identity over several lists (tabs, instances): its strongest role, its connections added up. */
export function mergePeople(lists: readonly (readonly PersonOnBoard[])[]): PersonOnBoard[] {
  const people = new Map<string, PersonOnBoard>()
  for (const list of lists) {
    for (const p of list) {
      const person = people.get(p.identityId)
      if (!person) {
        people.set(p.identityId, { ...p })
        continue
      }
      person.connections += p.connections
      if (RANK[p.role] > RANK[person.role]) person.role = p.role
    }
  }
  return [...people.values()].sort((a, b) => RANK[b.role] - RANK[a.role] || a.name.localeCompare(b.name))
}

/** Who is on a board through this instance: one entry per identity, with its strongest role and tab count. */
export function localPeopleOnBoard(room: Room): PersonOnBoard[] {
  return mergePeople([room.listConnections().map((c) => ({ identityId: c.identity.id, name: c.identity.name, color: c.identity.color, role: c.role, connections: 1 }))])
}

/** Who is on a board right now, through every instance holding it. */
export function peopleOnBoard(room: Room): PersonOnBoard[] {
  const elsewhere = room.peopleElsewhere()
  const here = localPeopleOnBoard(room)
  return elsewhere.length === 0 ? here : mergePeople([here, ...elsewhere])
}

/** Tells the board's facilitators who is on it (when one of them listens). */
export function announcePeople(room: Room): void {
  const listening = (c: Connection) => c.role === 'facilitator' && c.speaksCommands
  if (!room.listConnections().some(listening)) return
  // This instance's people only (with several instances, each facilitator sees those on theirs).
  room.broadcastEvent({ type: 'people', people: peopleOnBoard(room) }, { roles: ['facilitator'], localOnly: true })
}
