import type { IncomingMessage } from 'node:http'
import type { Board, BoardView, SyncTicket } from '../../shared/lab'
import { isId } from '../../shared/validation'
import { assetGrantCookieName, assetGrantCookiePath, ASSET_GRANT_TTL_MS, issueAssetGrant, legacyLabCookieName } from '../access/assetGrants'
import { authorizeLabAccess } from '../access/authorize'
import { verifyIdentity } from '../access/identities'
import type { ServerKey } from '../access/signing'
import type { SyncTickets } from '../access/syncTickets'
import type { Storage } from '../persistence/Storage'
import { HttpError } from './HttpError'
import { bearerToken, readBody, sendJson } from './io'
import type { Router } from './Router'

/** Header carrying an identity credential (`<identityId>.<secret>`) when asking for a sync ticket. */
export const IDENTITY_HEADER = 'x-fabrique-identity'

/** Whether the browser reached us over HTTPS (directly or through a proxy). */
export function isSecureRequest(req: IncomingMessage, publicUrl: string | null): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true
  if (req.headers['x-forwarded-proto'] === 'https') return true
  return publicUrl?.startsWith('https:') ?? false
}

/** The board `boardId`, or 404 `board.notFound`. */
export async function findBoard(storage: Storage, boardId: string): Promise<Board> {
  const board = isId(boardId) ? await storage.getBoard(boardId) : null
  if (!board) throw new HttpError(404, 'board.notFound', 'board not found')
  return board
}

export interface BoardRoutesDeps {
  storage: Storage
  publicUrl: string | null
  key: ServerKey
  tickets: SyncTickets
}

/**
 * `GET /api/boards/:boardId`: the board, its lab and the caller's role (and the cookie that
 * lets `<img>` load its images). `POST /api/boards/:boardId/tickets`: a single-use ticket to
 * open the board's sync socket without a secret in its URL.
 */
export function addBoardRoutes(router: Router, { storage, publicUrl, key, tickets }: BoardRoutesDeps): void {
  router.add('GET', '/api/boards/:boardId', async ({ req, res, params }) => {
    const board = await findBoard(storage, params.boardId!)
    const { role, hashes } = await authorizeLabAccess(storage, board.labId, bearerToken(req))
    const lab = await storage.getLab(board.labId)
    if (!lab) throw new HttpError(404, 'lab.notFound', 'lab not found')
    const body: BoardView = { board, lab: { id: lab.id, title: lab.title }, role }
    // Images on the board are plain <img> requests, which cannot carry the token in a header:
    // an HttpOnly cookie limited to this board's images holds a signed grant (never the token),
    // which stops working when the role's secret is rotated.
    const secure = isSecureRequest(req, publicUrl) ? ['Secure'] : []
    const grant = [
      `${assetGrantCookieName(board.id)}=${issueAssetGrant(await key.get(), lab.id, board.id, role, hashes[role])}`,
      `Path=${assetGrantCookiePath(board.id)}`,
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${ASSET_GRANT_TTL_MS / 1000}`,
      ...secure,
    ].join('; ')
    // Older servers put the raw token in a lab-wide cookie: delete it.
    const legacy = [`${legacyLabCookieName(lab.id)}=`, 'Path=/api/boards', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...secure].join('; ')
    sendJson(res, 200, body, { 'set-cookie': [grant, legacy] })
  })

  router.add('POST', '/api/boards/:boardId/tickets', async ({ req, res, params }) => {
    const board = await findBoard(storage, params.boardId!)
    const { role, hashes } = await authorizeLabAccess(storage, board.labId, bearerToken(req))
    // The body says nothing (clients may send `{}`); it is read so the connection stays usable.
    await readBody(req, 1024)
    const header = req.headers[IDENTITY_HEADER]
    const credential = typeof header === 'string' && header.trim() !== '' ? header.trim() : null
    let identityId: string | null = null
    if (credential !== null) {
      const identity = await verifyIdentity(storage, board.labId, credential)
      if (!identity) throw new HttpError(403, 'identity.wrongLab', 'this identity does not belong to this lab')
      identityId = identity.id
    }
    const answer: SyncTicket = { ticket: await tickets.issue(board.id, role, identityId, hashes[role]), expiresInMs: tickets.ttlMs }
    sendJson(res, 201, answer)
  })
}
