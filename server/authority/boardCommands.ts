import { COMMAND_PROTOCOL, CommandErrorCode, type ClientCommand } from '../../shared/commands'
import { getRecordsMap, getSessionMap, type StoredRecord } from '../../shared/boardDoc'
import { BoardSessionKey, readRemovedPeople, type EditingState, type RemovedPeople } from '../../shared/boardSession'
import { canManageLab } from '../../shared/roles'
import { CloseCode } from '../../shared/protocol'
import type { Storage } from '../persistence/Storage'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { CommandError } from '../rooms/RoomHooks'
import { announcePeople } from './peopleOnBoard'

function requireFacilitator(connection: Connection, what: string): void {
  if (!canManageLab(connection.role)) throw new CommandError(CommandErrorCode.forbidden, `only a facilitator can ${what}`)
}

/** Reason given to a removed person's client when its connection closes. */
export const REMOVED_REASON = 'removed from this board by a facilitator'

/**
 * Carries out one command on a board, checked against the sender's role. Workshop state is
 * written by the room itself (`room.transact`), so it reaches everyone through the same
 * store-before-relay path as any edit.
 */
export async function runBoardCommand(storage: Storage, room: Room, connection: Connection, command: ClientCommand): Promise<void> {
  const now = () => new Date().toISOString()
  switch (command.type) {
    case 'hello': {
      const { id, name, color } = connection.identity
      connection.sendEvent({ type: 'welcome', protocol: COMMAND_PROTOCOL, role: connection.role, identity: { id, name, color }, serverTime: Date.now() })
      if (connection.role === 'facilitator') announcePeople(room)
      return
    }
    case 'board.setMode': {
      requireFacilitator(connection, 'change who may edit the board')
      const state: EditingState = { mode: command.mode, by: connection.identity.id, at: now() }
      await room.transact((doc) => getSessionMap(doc).set(BoardSessionKey.editing, state))
      room.logger.info('editing mode set', { mode: command.mode, by: connection.identity.id })
      return
    }
    case 'shape.lock': {
      requireFacilitator(connection, 'lock or unlock shapes')
      const records = getRecordsMap(room.doc)
      const found = command.ids.filter((id) => (records.get(id) as StoredRecord | undefined)?.typeName === 'shape')
      if (found.length === 0) throw new CommandError(CommandErrorCode.invalid, 'none of these shapes is on the board')
      await room.transact((doc) => {
        const map = getRecordsMap(doc)
        for (const id of found) {
          const shape = map.get(id)
          if (shape && shape.isLocked !== command.locked) map.set(id, { ...shape, isLocked: command.locked })
        }
      })
      return
    }
    case 'participant.remove': {
      requireFacilitator(connection, 'remove someone from the board')
      if (command.identityId === connection.identity.id) throw new CommandError(CommandErrorCode.invalid, 'you cannot remove yourself')
      const theirs = room.listConnections().filter((c) => c.identity.id === command.identityId)
      const stored = theirs.length === 0 ? await storage.getIdentity(command.identityId) : null
      const name = theirs[0]?.identity.name ?? stored?.name
      if (name === undefined) throw new CommandError(CommandErrorCode.invalid, 'no such person on this board')
      await room.transact((doc) => {
        const removed: RemovedPeople = { ...readRemovedPeople(doc), [command.identityId]: { name, by: connection.identity.id, at: now() } }
        getSessionMap(doc).set(BoardSessionKey.removed, removed)
      })
      // Their connections on every instance holding the board: told, then closed.
      room.broadcastEvent({ type: 'removed' }, { identityId: command.identityId })
      room.closeAudience({ identityId: command.identityId }, CloseCode.removed, REMOVED_REASON)
      room.logger.info('person removed from the board', { identity: command.identityId, by: connection.identity.id })
      return
    }
    case 'participant.readmit': {
      requireFacilitator(connection, 'let someone back on the board')
      if (!(command.identityId in readRemovedPeople(room.doc))) throw new CommandError(CommandErrorCode.invalid, 'this person was not removed from the board')
      await room.transact((doc) => {
        const { [command.identityId]: _readmitted, ...rest } = readRemovedPeople(doc)
        getSessionMap(doc).set(BoardSessionKey.removed, rest)
      })
      return
    }
    case 'identity.update': {
      const patch = { ...(command.name !== undefined && { name: command.name }), ...(command.color !== undefined && { color: command.color }) }
      if (!connection.identity.ephemeral) {
        const updated = await storage.updateIdentity(connection.identity.id, patch)
        if (!updated) throw new CommandError(CommandErrorCode.invalid, 'this identity no longer exists')
      }
      for (const c of room.listConnections()) if (c.identity.id === connection.identity.id) c.identity = { ...c.identity, ...patch }
      announcePeople(room)
      return
    }
  }
}
