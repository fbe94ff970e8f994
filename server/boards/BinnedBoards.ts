import { CloseCode } from '../../shared/protocol'
import type { Cluster } from '../cluster/Cluster'
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

  /** With `cluster`, boards deleted or restored on other instances count here too. */
  constructor(private readonly cluster: Cluster | null = null) {
    cluster?.subscribeInstances((message) => {
      if (message.kind === 'evict' && message.code === CloseCode.boardGone) this.ids.add(message.boardId)
      else if (message.kind === 'unbin') this.ids.delete(message.boardId)
    })
  }

  /** The board went to the bin (the other instances hear it from the rooms' `evict`). */
  add(boardId: string): void {
    this.ids.add(boardId)
  }

  /** The board came back from the bin, on every instance. */
  delete(boardId: string): void {
    this.ids.delete(boardId)
    this.cluster?.publishInstances({ kind: 'unbin', from: this.cluster.instanceId, boardId })
  }

  onConnect({ room }: Parameters<NonNullable<RoomHooks['onConnect']>>[0]): void {
    if (this.ids.has(room.boardId) || room.labId === null) throw new ConnectionRefused(CloseCode.boardGone, 'this board was deleted')
  }
}
