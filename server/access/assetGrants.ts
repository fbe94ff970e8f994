import { ROLES, type Role } from '../../shared/roles'
import type { LabTokenHashes } from '../persistence/Storage'
import { openSigned, signValue, verifySigned } from './signing'

const KIND = 'asset-grant'

/** How long an image grant (the cookie set when a board is opened) lasts. */
export const ASSET_GRANT_TTL_MS = 30 * 24 * 3_600_000

/** Name of the cookie that lets the browser load a board's images (`<img>` cannot send headers). */
export function assetGrantCookieName(boardId: string): string {
  return `fabrique_assets_${boardId}`
}

/** Path the image cookie is limited to: this board's images, nothing else. */
export function assetGrantCookiePath(boardId: string): string {
  return `/api/boards/${boardId}/assets`
}

/**
 * Name of the cookie older servers set, holding the lab's raw token for every board URL: it
 * is deleted whenever a board is opened, and never read.
 */
export function legacyLabCookieName(labId: string): string {
  return `fabrique_lab_${labId}`
}

/**
 * A grant to read one board's images: lab, board, role and expiry, signed with the server's
 * key and the fingerprint of the role's token hash — never the token. It stops working when
 * it expires or when that role's secret is rotated.
 */
export function issueAssetGrant(key: Buffer, labId: string, boardId: string, role: Role, tokenHash: string, now = Date.now()): string {
  return signValue(key, KIND, { l: labId, b: boardId, r: role, x: now + ASSET_GRANT_TTL_MS }, tokenHash)
}

/** The role a grant gives on board `boardId` of lab `labId` (whose current hashes are `hashes`), or null. */
export function verifyAssetGrant(key: Buffer, grant: string | null | undefined, labId: string, boardId: string, hashes: LabTokenHashes, now = Date.now()): Role | null {
  const opened = openSigned(grant)
  if (!opened) return null
  const { l, b, r, x } = opened.payload
  if (l !== labId || b !== boardId || !ROLES.includes(r as Role) || typeof x !== 'number' || x <= now) return null
  return verifySigned(key, KIND, opened, hashes[r as Role]) ? (r as Role) : null
}
