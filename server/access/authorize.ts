import type { Role } from '../../shared/roles'
import { isId } from '../../shared/validation'
import { HttpError } from '../http/HttpError'
import type { LabTokenHashes, Storage } from '../persistence/Storage'
import { roleForToken } from './tokens'

/**
 * The role `token` grants in lab `labId`, and the lab's current token hashes (what tickets and
 * image grants are bound to). Throws 404 `lab.notFound` for an unknown lab, 401
 * `token.missing` without a token, 403 `token.wrongLab` for a token that is not one of the
 * lab's (another lab's, a rotated one, garbage).
 */
export async function authorizeLabAccess(storage: Storage, labId: string, token: string | null): Promise<{ role: Role; hashes: LabTokenHashes }> {
  if (!isId(labId)) throw new HttpError(404, 'lab.notFound', 'lab not found')
  const hashes = await storage.getLabTokenHashes(labId)
  if (!hashes) throw new HttpError(404, 'lab.notFound', 'lab not found')
  if (!token) throw new HttpError(401, 'token.missing', 'a token of this lab is required')
  const role = roleForToken(token, hashes)
  if (!role) throw new HttpError(403, 'token.wrongLab', 'this token does not open this lab')
  return { role, hashes }
}

/** The role `token` grants in lab `labId` (see {@link authorizeLabAccess}). */
export async function authorizeLab(storage: Storage, labId: string, token: string | null): Promise<Role> {
  return (await authorizeLabAccess(storage, labId, token)).role
}
