import { readRemovedPeople } from '../../shared/boardSession'
import { boardAssetPrefix } from '../../shared/assets'
import { BOARD_COMMAND_TYPES } from '../../shared/commands'
import { CloseCode } from '../../shared/protocol'
import type { Storage } from '../persistence/Storage'
import type { Room } from '../rooms/Room'
import { ConnectionRefused, type RoomHooks } from '../rooms/RoomHooks'
import { REMOVED_REASON, runBoardCommand } from './boardCommands'
import { judgeChanges, RecentlyDeleted } from './judgeChanges'
import { announcePeople } from './peopleOnBoard'

/**
 * The board's rules as room hooks: every client change is judged against its writer's role
 * and the board's editing mode (see `shared/authority/rules.ts`), commands are checked and
 * carried out by the server, removed people are kept out, facilitators see who is there.
 */
export function createBoardAuthority({ storage }: { storage: Storage }): RoomHooks {
  const deleted = new WeakMap<Room, RecentlyDeleted>()
  return {
    onLoad({ room }) {
      deleted.set(room, new RecentlyDeleted())
    },
    onConnect({ room, connection }) {
      if (readRemovedPeople(room.doc)[connection.identity.id]) throw new ConnectionRefused(CloseCode.removed, REMOVED_REASON)
      announcePeople(room)
    },
    onChange({ room, connection, changes }) {
      const writer = { role: connection.role, identityId: connection.identity.id, assetPrefix: boardAssetPrefix(room.boardId) }
      return judgeChanges(room.doc, writer, changes, deleted.get(room))
    },
    onCommand({ room, connection, command }) {
      // Only the board's own commands: the others (the workshop's) are left to their hooks.
      return (BOARD_COMMAND_TYPES as readonly string[]).includes(command.type) ? runBoardCommand(storage, room, connection, command) : undefined
    },
    onDisconnect({ room }) {
      announcePeople(room)
    },
    onUnload({ room }) {
      deleted.delete(room)
    },
  }
}
