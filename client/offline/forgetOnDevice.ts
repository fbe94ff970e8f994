import { boardsOfLab, forgetBoardLabs } from '../access/boardAccess'
import { forgetLabIdentity } from '../access/labIdentity'
import { forgetLab } from '../access/rememberedLabs'
import { deleteKeptBoard, pendingChanges } from './boardCache'
import { forgetBoardView } from './keptViews'

/**
 * Forgets a lab on this device (a shared PC, a borrowed tablet): its secret, the identity it
 * was given here, and every board of it kept for offline use. The lab itself stays on the server.
 */
export async function forgetLabOnDevice(labId: string): Promise<void> {
  const boards = boardsOfLab(labId)
  forgetLab(labId)
  forgetLabIdentity(labId)
  forgetBoardLabs(boards)
  for (const boardId of boards) {
    forgetBoardView(boardId)
    pendingChanges.set(boardId, 0)
    await deleteKeptBoard(boardId)
  }
}
