import { timingSafeEqual } from 'node:crypto'
import type { StoredIdentity, Storage } from '../persistence/Storage'
import { generateId, generateToken, hashToken } from './tokens'

/** A new identity for a person of a lab, and its secret (given to their browser once). */
export function newIdentity(labId: string, name: string, color: string): { identity: StoredIdentity; secret: string } {
  const secret = generateToken()
  return { identity: { id: generateId(), labId, name, color, secretHash: hashToken(secret), createdAt: new Date().toISOString() }, secret }
}

/**
 * The identity a credential (`<id>.<secret>`) proves, within lab `labId`, or null: unknown id,
 * another lab's identity, or a wrong secret (compared in constant time).
 */
export async function verifyIdentity(storage: Storage, labId: string, credential: string | null): Promise<StoredIdentity | null> {
  if (!credential || credential.length > 300) return null
  const dot = credential.indexOf('.')
  if (dot <= 0) return null
  const identity = await storage.getIdentity(credential.slice(0, dot))
  if (!identity || identity.labId !== labId) return null
  const given = Buffer.from(hashToken(credential.slice(dot + 1)), 'hex')
  const stored = Buffer.from(identity.secretHash, 'hex')
  return given.length === stored.length && timingSafeEqual(given, stored) ? identity : null
}
