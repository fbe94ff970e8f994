import type { IncomingMessage } from 'node:http'
import type { BoardView } from '../../shared/lab'
import { isId } from '../../shared/validation'
import { authorizeLab, labCookieName } from '../access/authorize'
import type { Storage } from '../persistence/Storage'
import { HttpError } from './HttpError'
import { bearerToken, sendJson } from './io'
import type { Router } from './Router'

/** Whether the browser reached us over HTTPS (directly or through a proxy). */
export function isSecureRequest(req: IncomingMessage, publicUrl: string | null): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true
  if (req.headers['x-forwarded-proto'] === 'https') return true
  return publicUrl?.startsWith('https:') ?? false
}

/** `GET /api/boards/:boardId`: the board, its lab and the caller's role. */
export function addBoardRoutes(router: Router, { storage, publicUrl }: { storage: Storage; publicUrl: string | null }): void {
  router.add('GET', '/api/boards/:boardId', async ({ req, res, params }) => {
    const boardId = params.boardId!
    if (!isId(boardId)) throw new HttpError(404, 'board not found')
    const board = await storage.getBoard(boardId)
    if (!board) throw new HttpError(404, 'board not found')
    const token = bearerToken(req)
    const role = await authorizeLab(storage, board.labId, token)
    const lab = await storage.getLab(board.labId)
    if (!lab) throw new HttpError(404, 'lab not found')
    const body: BoardView = { board, lab: { id: lab.id, title: lab.title }, role }
    // Images on the board are plain <img> requests, which cannot carry the token in a header:
    // the token goes in an HttpOnly cookie restricted to board URLs.
    const cookie = [
      `${labCookieName(lab.id)}=${token}`,
      'Path=/api/boards',
      'HttpOnly',
      'SameSite=Strict',
      'Max-Age=31536000',
      ...(isSecureRequest(req, publicUrl) ? ['Secure'] : []),
    ].join('; ')
    sendJson(res, 200, body, { 'set-cookie': cookie })
  })
}
