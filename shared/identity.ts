/**
 * A person within a lab, as the server issued them: no account, just an id the server chose,
 * the name and colour they gave, and a secret their browser keeps to prove it is them.
 */
export interface Identity {
  id: string
  name: string
  color: string
}

/** `POST /api/labs/:labId/identities` answer: the identity and its secret (shown once). */
export interface IssuedIdentity extends Identity {
  secret: string
}

export const IDENTITY_NAME_MAX = 40

/** Cursor colours, readable on white and distinct from each other. */
export const PERSON_COLORS = ['#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5', '#0c8599', '#c2255c', '#5f3dc4', '#e8590c', '#099268'] as const

/** A CSS hex colour (`#rgb` or `#rrggbb`). */
export function isColor(value: unknown): value is string {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)
}

/** A display name: 1 to {@link IDENTITY_NAME_MAX} characters once trimmed, no control characters. */
export function cleanName(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const trimmed = value.trim()
  if (trimmed.length === 0 || trimmed.length > IDENTITY_NAME_MAX) return null
  return /[\u0000-\u001f\u007f]/.test(trimmed) ? null : trimmed
}

/** How an identity is presented to the server: `<id>.<secret>`. */
export function identityCredential(identity: Pick<IssuedIdentity, 'id' | 'secret'>): string {
  return `${identity.id}.${identity.secret}`
}
