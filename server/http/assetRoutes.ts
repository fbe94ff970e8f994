import type { IncomingMessage } from 'node:http'
import { boardAssetPrefix } from '../../shared/assets'
import { canEditBoards } from '../../shared/roles'
import type { Role } from '../../shared/roles'
import { isId } from '../../shared/validation'
import { assetGrantCookieName, verifyAssetGrant } from '../access/assetGrants'
import { authorizeLab } from '../access/authorize'
import type { ServerKey } from '../access/signing'
import { generateId } from '../access/tokens'
import type { Storage } from '../persistence/Storage'
import { findBoard } from './boardRoutes'
import { HttpError } from './HttpError'
import { bearerToken, readBody, readCookies, sendJson } from './io'
import type { Router } from './Router'

/** Image types accepted on boards, each with a check of the file's first bytes. */
export const IMAGE_TYPES: Record<string, (data: Buffer) => boolean> = {
  'image/png': (d) => d.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (d) => d[0] === 0xff && d[1] === 0xd8 && d[2] === 0xff,
  'image/gif': (d) => d.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (d) => d.subarray(0, 4).toString('latin1') === 'RIFF' && d.subarray(8, 12).toString('latin1') === 'WEBP',
  'image/avif': (d) => d.subarray(4, 8).toString('latin1') === 'ftyp' && /avi[fs]/.test(d.subarray(8, 12).toString('latin1')),
  'image/svg+xml': (d) => /<svg[\s>]/i.test(d.subarray(0, 4096).toString('utf8')),
}

/** Images stored beside their board, served from Fabrique's origin to the lab's members only. */
export function addAssetRoutes(
  router: Router,
  { storage, key, maxAssetBytes, maxLabAssetBytes }: { storage: Storage; key: ServerKey; maxAssetBytes: number; maxLabAssetBytes: number },
): void {
  router.add('POST', '/api/boards/:boardId/assets', async ({ req, res, params }) => {
    const board = await findBoard(storage, params.boardId!)
    const role = await authorizeLab(storage, board.labId, bearerToken(req))
    if (!canEditBoards(role)) throw new HttpError(403, 'role.viewerReadOnly', 'viewers cannot add images')
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    // Own keys only: "constructor" must not find Object's.
    const check = Object.hasOwn(IMAGE_TYPES, contentType) ? IMAGE_TYPES[contentType] : undefined
    if (!check) throw new HttpError(415, 'image.type', `images must be one of ${Object.keys(IMAGE_TYPES).join(', ')}`)
    const data = await readBody(req, maxAssetBytes)
    if (data.length === 0) throw new HttpError(400, 'input.invalid', 'empty image')
    if (!check(data)) throw new HttpError(415, 'image.type', `the file is not a valid ${contentType}`)
    const used = await storage.labAssetBytes(board.labId)
    if (used + data.length > maxLabAssetBytes) {
      const mib = (n: number) => (n / 1024 / 1024).toFixed(1)
      throw new HttpError(413, 'assets.quota', `this lab's images already take ${mib(used)} MiB of its ${mib(maxLabAssetBytes)} MiB`)
    }
    const id = generateId()
    await storage.putAsset({ id, boardId: board.id, contentType, size: data.length, createdAt: new Date().toISOString() }, data)
    sendJson(res, 201, { id, src: `${boardAssetPrefix(board.id)}${id}` })
  })

  /** Who reads a board's images: a bearer token of the lab, or the grant cookie set when the board was opened. */
  async function readerRole(req: IncomingMessage, labId: string, boardId: string): Promise<Role> {
    const token = bearerToken(req)
    if (token !== null) return authorizeLab(storage, labId, token)
    const grant = readCookies(req).get(assetGrantCookieName(boardId))
    if (grant === undefined) throw new HttpError(401, 'token.missing', 'a token of this lab (or the cookie set when its board is opened) is required')
    const hashes = await storage.getLabTokenHashes(labId)
    const role = hashes && verifyAssetGrant(await key.get(), grant, labId, boardId, hashes)
    if (!role) throw new HttpError(403, 'token.wrongLab', 'this image grant is not valid any more: open the board again')
    return role
  }

  router.add('GET', '/api/boards/:boardId/assets/:assetId', async ({ req, res, params }) => {
    const board = await findBoard(storage, params.boardId!)
    await readerRole(req, board.labId, board.id)
    const assetId = params.assetId!
    const found = isId(assetId) ? await storage.getAsset(board.id, assetId) : null
    if (!found) throw new HttpError(404, 'image.notFound', 'image not found')
    res.writeHead(200, {
      'content-type': found.asset.contentType,
      'content-length': found.data.byteLength,
      // An asset never changes once stored; only members may cache it.
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      // An SVG opened on its own must not run scripts on Fabrique's origin.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    })
    res.end(found.data)
  })
}
