import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Storage } from '../persistence/Storage'

/**
 * The server's signing key, read once from storage (made there on first use, kept across
 * restarts): what signs sync tickets and image grants, so that none of them holds a secret.
 */
export class ServerKey {
  private key: Promise<Buffer> | null = null

  constructor(private readonly storage: Storage) {}

  get(): Promise<Buffer> {
    this.key ??= this.storage.getServerSecret().then((bytes) => {
      if (bytes.byteLength < 32) throw new Error('ServerKey: the stored server secret is shorter than 32 bytes')
      return Buffer.from(bytes)
    })
    // A failed read is retried on the next call rather than remembered.
    this.key.catch(() => (this.key = null))
    return this.key
  }
}

/**
 * What a signed value says about a role's secret: a digest of its stored hash. A value signed
 * with one fingerprint no longer verifies once that role's secret is rotated (its hash, so its
 * fingerprint, changes). It is only ever mixed into the signature, never sent.
 */
export function tokenFingerprint(tokenHash: string): string {
  return createHash('sha256').update('fabrique token fingerprint\n').update(tokenHash).digest('base64url')
}

function mac(key: Buffer, kind: string, body: string, tokenHash: string): Buffer {
  return createHmac('sha256', key).update(`fabrique ${kind}\n`).update(body).update('\n').update(tokenFingerprint(tokenHash)).digest()
}

/**
 * `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`, the HMAC covering the kind (a ticket
 * never verifies as an image grant), the payload and the fingerprint of `tokenHash`.
 * The payload is readable by whoever holds the value: it must hold no secret.
 */
export function signValue(key: Buffer, kind: string, payload: Record<string, unknown>, tokenHash: string): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')
  return `${body}.${mac(key, kind, body, tokenHash).toString('base64url')}`
}

/** A signed value taken apart, not yet verified: read its payload, find the token hash it must match, then {@link verifySigned}. */
export interface OpenedValue {
  body: string
  signature: Buffer
  payload: Record<string, unknown>
}

/** Parses a signed value without trusting it; null when it is not one (too long, garbled). */
export function openSigned(value: string | null | undefined, maxLength = 1024): OpenedValue | null {
  if (!value || value.length > maxLength) return null
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(value)
  if (!match) return null
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null
  return { body: match[1]!, signature: Buffer.from(match[2]!, 'base64url'), payload: payload as Record<string, unknown> }
}

/** Whether `opened` was signed by this server for `kind` and a role whose secret still hashes to `tokenHash` (constant time). */
export function verifySigned(key: Buffer, kind: string, opened: OpenedValue, tokenHash: string): boolean {
  const expected = mac(key, kind, opened.body, tokenHash)
  return expected.length === opened.signature.length && timingSafeEqual(expected, opened.signature)
}
