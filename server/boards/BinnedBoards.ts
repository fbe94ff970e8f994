import { CloseCode } from '../../shared/protocol'
import { ConnectionRefused, type RoomHooks } from '../rooms/RoomHooks'

/**
 * Boards put in their lab's bin since this server started, as a room hook: nobody joins them.
 *
 * A board in the bin is not found by upgrades (storage hides it), but an upgrade that found
 * it just before it was deleted can still reach its room afterwards; this closes it with
 * 4404, as the board's other connections were. A room loaded for a board storage no longer
 * finds (its lab unknown) serves no one either.
 */
export class BinnedBoards implements RoomHooks {
  private readonly ids = new Set<string>()

  /** The board went to the bin. */
  add(boardId: string): void {
    this.ids.add(boardId)
  }

  /** The board came back from the bin. */
  delete(boardId: string): void {
    this.ids.delete(boardId)
  }

  onConnect({ room }: Parameters<NonNullable<RoomHooks['onConnect']>>[0]): void {
    if (this.ids.has(room.boardId) || room.labId === null) throw new ConnectionRefused(CloseCode.boardGone, 'this board was deleted')
  }
}
