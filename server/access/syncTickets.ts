import { randomBytes } from 'node:crypto'
import { ROLES, type Role } from '../../shared/roles'
import type { Storage } from '../persistence/Storage'
import type { Cluster } from '../cluster/Cluster'
import { openSigned, signValue, verifySigned, type ServerKey } from './signing'

const KIND = 'sync-ticket'

/** What a redeemed ticket says: who connects, and as what. */
export interface RedeemedTicket {
  role: Role
  /** The identity proven when the ticket was issued, or null (the connection gets an identity of its own). */
  identityId: string | null
}

/**
 * Single-use sync tickets: `POST /api/boards/:boardId/tickets` (secret in a header) gives one,
 * `GET /sync/<boardId>?ticket=…` spends it — so no secret ever travels in a sync URL, which
 * proxies log.
 *
 * A ticket is signed (HMAC-SHA256, the server's key) over its board, role, identity id,
 * expiry, a random nonce and the fingerprint of the role's current token hash: it works for
 * that board only, until it expires, and not once the role's secret is rotated.
 *
 * Single use is enforced in memory: the nonces spent are kept until their ticket expires.
 * With several instances, a nonce is also claimed in Redis (`SET NX`), so a ticket works once
 * whichever instance it is presented to (while Redis is down, once per instance).
 */
export class SyncTickets {
  /** Nonces already spent, with the expiry of their ticket. */
  private readonly spent = new Map<string, number>()

  constructor(
    private readonly storage: Storage,
    private readonly key: ServerKey,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly shared: Pick<Cluster, 'claimOnce'> | null = null,
  ) {}

  /** A new ticket for `boardId`, as `role` (whose secret hashes to `tokenHash`), with an identity already verified or null. */
  async issue(boardId: string, role: Role, identityId: string | null, tokenHash: string): Promise<string> {
    const payload = { b: boardId, r: role, i: identityId, x: this.now() + this.ttlMs, n: randomBytes(16).toString('base64url') }
    return signValue(await this.key.get(), KIND, payload, tokenHash)
  }

  /**
   * Spends a ticket for board `boardId` of lab `labId`: its role and identity, or null when it
   * is garbled, forged, expired, spent, for another board, or signed for a secret since rotated.
   */
  async redeem(ticket: string | null, boardId: string, labId: string): Promise<RedeemedTicket | null> {
    const opened = openSigned(ticket)
    if (!opened) return null
    const { b, r, i, x, n } = opened.payload
    if (b !== boardId || !ROLES.includes(r as Role) || (i !== null && typeof i !== 'string') || typeof x !== 'number' || typeof n !== 'string') return null
    const now = this.now()
    if (x <= now || this.spent.has(n)) return null
    const hashes = await this.storage.getLabTokenHashes(labId)
    if (!hashes || !verifySigned(await this.key.get(), KIND, opened, hashes[r as Role])) return null
    // Checked again after the awaits: two upgrades racing with one ticket, one wins.
    if (this.spent.has(n)) return null
    this.spent.set(n, x)
    if (this.shared && !(await this.shared.claimOnce(`ticket:${n}`, x - now))) return null
    this.prune(now)
    return { role: r as Role, identityId: i as string | null }
  }

  /** Forgets expired nonces, oldest spent first, up to the first still live (expiries follow spending closely enough). */
  private prune(now: number): void {
    for (const [nonce, expiry] of this.spent) {
      if (expiry > now) break
      this.spent.delete(nonce)
    }
  }
}
