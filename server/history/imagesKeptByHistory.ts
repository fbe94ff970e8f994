import type { Storage } from '../persistence/Storage'
import { assetIdsOf } from './checkpointState'

/**
 * Ids of a board's images that its history still points to — its checkpoints and the records
 * in its bin — so they are not reclaimed: a restore or a put-back brings the image back too.
 */
export async function imagesKeptByHistory(storage: Storage, boardId: string): Promise<Set<string>> {
  const kept = new Set<string>()
  for (const checkpoint of await storage.listCheckpoints(boardId)) for (const id of checkpoint.assetIds) kept.add(id)
  for (const id of assetIdsOf((await storage.listBin(boardId)).map((e) => e.record), boardId)) kept.add(id)
  return kept
}
