import { boardAssetPrefix } from '../../shared/assets'
import { getRecordsMap } from '../../shared/boardDoc'
import type { Logger } from '../logger'
import type { Storage } from '../persistence/Storage'
import type { RoomHooks } from '../rooms/RoomHooks'
import { PRIVATE_PREFIX } from '../workshop/PrivateRound'
import { imagesKeptByHistory } from '../history/imagesKeptByHistory'

/**
 * Images uploaded to a board but never used by it (an upload abandoned, a note pasted then
 * deleted) are deleted once they are older than `graceMs`, when the board leaves memory (its
 * document is complete then). Newer ones are kept: an upload in flight is not yet referenced.
 * Images of records still private (a private writing round not yet revealed) are in use too,
 * and so are those the board's checkpoints and bin point to.
 */
export function createAssetReclaimer({ storage, graceMs, logger }: { storage: Storage; graceMs: number; logger: Logger }): RoomHooks {
  return {
    async onUnload({ room }) {
      const prefix = boardAssetPrefix(room.boardId)
      const used = new Set<string>()
      const use = (record: unknown) => {
        const r = record as { typeName?: unknown; props?: { src?: unknown } } | null | undefined
        const src = r?.props?.src
        if (r?.typeName === 'asset' && typeof src === 'string' && src.startsWith(prefix)) used.add(src.slice(prefix.length))
      }
      for (const record of getRecordsMap(room.doc).values()) use(record)
      for (const { value } of await storage.listBoardSecrets(room.boardId, PRIVATE_PREFIX)) use((value as { record?: unknown } | null)?.record)
      // A checkpoint restored or a record put back from the bin brings its image back.
      for (const id of await imagesKeptByHistory(storage, room.boardId)) used.add(id)
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
