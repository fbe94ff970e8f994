import { boardAssetPrefix } from '../../shared/assets'
import { getRecordsMap } from '../../shared/boardDoc'
import type { Logger } from '../logger'
import type { Storage } from '../persistence/Storage'
import type { RoomHooks } from '../rooms/RoomHooks'

/**
 * Images uploaded to a board but never used by it (an upload abandoned, a note pasted then
 * deleted) are deleted once they are older than `graceMs`, when the board leaves memory (its
 * document is complete then). Newer ones are kept: an upload in flight is not yet referenced.
 */
export function createAssetReclaimer({ storage, graceMs, logger }: { storage: Storage; graceMs: number; logger: Logger }): RoomHooks {
  return {
    async onUnload({ room }) {
      const prefix = boardAssetPrefix(room.boardId)
      const used = new Set<string>()
      for (const record of getRecordsMap(room.doc).values()) {
        const src = (record?.props as { src?: unknown } | undefined)?.src
        if (record?.typeName === 'asset' && typeof src === 'string' && src.startsWith(prefix)) used.add(src.slice(prefix.length))
      }
      const cutoff = Date.now() - graceMs
      const unused = (await storage.listAssets(room.boardId)).filter((a) => !used.has(a.id) && Date.parse(a.createdAt) < cutoff)
      if (unused.length === 0) return
      await storage.deleteAssets(
        room.boardId,
        unused.map((a) => a.id),
      )
      logger.info('unused images deleted', { boardId: room.boardId, count: unused.length, bytes: unused.reduce((n, a) => n + a.size, 0) })
    },
  }
}
