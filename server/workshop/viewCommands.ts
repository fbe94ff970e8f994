import { getRecordsMap, getSessionMap } from '../../shared/boardDoc'
import { BoardSessionKey } from '../../shared/boardSession'
import type { WorkshopCommand } from '../../shared/workshop/commands'
import type { BringTarget, FollowState } from '../../shared/workshop/follow'
import { readFollow } from '../../shared/workshop/session'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { invalid, isoNow, requireFacilitator, sendToAudience } from './workshopAccess'

export type ViewCommand = Extract<WorkshopCommand, { type: 'view.bring' | 'follow.start' | 'follow.stop' }>

/** Whether people can be taken to `target`: a rectangle always, a shape while it is on the board. */
export function targetExists(room: Room, target: BringTarget): boolean {
  return target.kind === 'bounds' || getRecordsMap(room.doc).get(target.shapeId)?.typeName === 'shape'
}

/** Takes every participant and viewer to `target`, once (a `bring` event; facilitators are not moved). */
export function bringEveryone(room: Room, connection: Connection, target: BringTarget): void {
  sendToAudience(room, { type: 'bring', target, by: { id: connection.identity.id, name: connection.identity.name } })
}

/**
 * "Bring everyone here" and "follow me" (facilitators only). Following is state in the
 * board's session, so it survives reloads and restarts; it goes on when the leader's
 * connection drops (hotel Wi-Fi) until a facilitator stops it.
 */
export async function runViewCommand(room: Room, connection: Connection, command: ViewCommand): Promise<void> {
  switch (command.type) {
    case 'view.bring':
      requireFacilitator(connection, 'bring everyone somewhere')
      if (!targetExists(room, command.target)) throw invalid('this shape is not on the board')
      bringEveryone(room, connection, command.target)
      return
    case 'follow.start': {
      requireFacilitator(connection, 'lead everyone’s view')
      const { id, name, color } = connection.identity
      const follow: FollowState = { leaderId: id, name, color, since: isoNow() }
      await room.transact((doc) => getSessionMap(doc).set(BoardSessionKey.follow, follow))
      return
    }
    case 'follow.stop':
      requireFacilitator(connection, 'stop leading everyone’s view')
      if (!readFollow(room.doc)) throw invalid('no one is leading')
      await room.transact((doc) => getSessionMap(doc).delete(BoardSessionKey.follow))
      return
  }
}
