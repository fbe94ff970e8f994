import type { Role } from '../../shared/roles'
import { isId } from '../../shared/validation'
import { HttpError } from '../http/HttpError'
import type { Storage } from '../persistence/Storage'
import { roleForToken } from './tokens'

/**
 * The role `token` grants in lab `labId`. Throws 401 without a token, 404 for an unknown lab,
 * 403 for a token that is not one of the lab's.
 */
export async function authorizeLab(storage: Storage, labId: string, token: string | null): Promise<Role> {
  if (!isId(labId)) throw new HttpError(404, 'lab not found')
  const hashes = await storage.getLabTokenHashes(labId)
  if (!hashes) throw new HttpError(404, 'lab not found')
  if (!token) throw new HttpError(401, 'a token of this lab is required')
  const role = roleForToken(token, hashes)
  if (!role) throw new HttpError(403, 'this token does not open this lab')
  return role
}

/** Name of the cookie that lets the browser load a lab's images (`<img>` cannot send headers). */
export function labCookieName(labId: string): string {
  return `fabrique_lab_${labId}`
}
