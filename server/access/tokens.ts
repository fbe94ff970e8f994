import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Role } from '../../shared/roles'
import type { LabTokenHashes } from '../persistence/Storage'

/** A new secret: 256 random bits, url-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Random bytes for public ids, drawn in bulk (one system call per 341 ids, as Node's randomUUID does). */
let idPool = Buffer.alloc(0)
let idPoolOffset = 0

/** A new public id for a lab, a board, an asset or a connection: 96 random bits, url-safe. */
export function generateId(): string {
  if (idPoolOffset + 12 > idPool.length) {
    idPool = randomBytes(4092)
    idPoolOffset = 0
  }
  const id = idPool.toString('base64url', idPoolOffset, idPoolOffset + 12)
  idPoolOffset += 12
  return id
}

/**
 * Tokens carry 256 bits of entropy, so a plain SHA-256 is enough to store them: there is
 * nothing to brute-force the way a password would be.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Hashes of three fresh tokens, and the tokens themselves (shown once). */
export function generateLabTokens(): { tokens: Record<Role, string>; hashes: LabTokenHashes } {
  const tokens = { facilitator: generateToken(), participant: generateToken(), viewer: generateToken() }
  return {
    tokens,
    hashes: { facilitator: hashToken(tokens.facilitator), participant: hashToken(tokens.participant), viewer: hashToken(tokens.viewer) },
  }
}

/**
 * The role a token grants in a lab, or null. Every role's hash is compared, in constant
 * time, so the answer's timing tells nothing about which comparison matched.
 */
export function roleForToken(token: string | null | undefined, hashes: LabTokenHashes): Role | null {
  if (!token || token.length > 200) return null
  const candidate = Buffer.from(hashToken(token), 'hex')
  let role: Role | null = null
  for (const r of ['facilitator', 'participant', 'viewer'] as const) {
    const stored = Buffer.from(hashes[r], 'hex')
    if (stored.length === candidate.length && timingSafeEqual(stored, candidate) && role === null) role = r
  }
  return role
}
