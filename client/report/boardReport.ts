import type { CheckpointSummary } from '../../shared/history'
import type { Board } from '../../shared/lab'
import { readVoteRecords } from '../../shared/workshop/session'
import type { VoteRecord } from '../../shared/workshop/votes'
import { boardRegion } from '../export/exportRegions'
import { exportImage, pixelRatioFor } from '../export/exportImage'
import { noteTable, type NoteTable } from '../export/noteTable'
import type { ExportText } from '../export/translator'
import { loadBoardDoc } from './loadBoardDoc'
import { namedCheckpoints } from './namedCheckpoints'
import { withOffscreenEditor } from './offscreenEditor'

/** What the report says about one board. */
export interface BoardReport {
  board: Board
  /** The whole board as a PNG, or null when it is empty. */
  image: { png: Uint8Array; width: number; height: number } | null
  notes: NoteTable
  /** Revealed votes, oldest first, each ranked. */
  votes: VoteRecord[]
  checkpoints: CheckpointSummary[]
  /** Why the board's content is missing (it could not be loaded), or null. */
  problem: string | null
}

export interface BoardReportOptions {
  token: string
  identityCredential: string | null
  licenseKey: string | null
  text: ExportText
  signal?: AbortSignal
}

/**
 * One board as it is now, read for the report: its picture (drawn by tldraw in an editor out of
 * sight), its notes by zone, its revealed votes and its named checkpoints. A board that cannot
 * be loaded is reported as such rather than failing the whole report.
 */
export async function boardReport(board: Board, { token, identityCredential, licenseKey, text, signal }: BoardReportOptions): Promise<BoardReport> {
  const empty: BoardReport = { board, image: null, notes: { rows: [], votes: [] }, votes: [], checkpoints: [], problem: null }
  let doc
  try {
    doc = await loadBoardDoc({ boardId: board.id, token, identityCredential, signal })
  } catch (err) {
    if (signal?.aborted) throw err
    return { ...empty, problem: err instanceof Error ? err.message : String(err) }
  }
  const loaded = doc
  try {
    const checkpoints = namedCheckpoints(board.id, token, signal).catch((): CheckpointSummary[] => [])
    const drawn = await withOffscreenEditor(loaded, { boardId: board.id, token, licenseKey }, async (editor) => {
      const region = boardRegion(editor, board.title)
      const image = region ? await exportImage(editor, region, 'png', pixelRatioFor(region, 2000)) : null
      return {
        image: image ? { png: new Uint8Array(await image.blob.arrayBuffer()), width: image.width, height: image.height } : null,
        notes: noteTable(editor, loaded, text.t),
      }
    })
    return { ...empty, ...drawn, votes: readVoteRecords(loaded).reverse(), checkpoints: await checkpoints }
  } catch (err) {
    if (signal?.aborted) throw err
    return { ...empty, problem: err instanceof Error ? err.message : String(err) }
  } finally {
    doc.destroy()
  }
}
