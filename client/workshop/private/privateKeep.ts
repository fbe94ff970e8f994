import type { StoredRecord } from '../../../shared/boardDoc'

/**
 * A private writing round's notes kept on this device, so a reload — even offline — keeps
 * what this person wrote before the server had it (nothing typed is lost).
 */
export interface KeptPrivateRound {
  roundId: string
  /** This person's private records, latest version. */
  records: StoredRecord[]
  /** Ids whose latest change (put or removal) the server has not acknowledged. */
  unsent: string[]
  /** Ids removed here, the removal not acknowledged yet. */
  removed: string[]
}

/** Per board and person: another person using this browser later never sends them as theirs. */
const key = (boardId: string, identityId: string) => `fabrique.private.${boardId}.${identityId}`

export function loadPrivateRound(boardId: string, identityId: string): KeptPrivateRound | null {
  try {
    const raw = localStorage.getItem(key(boardId, identityId))
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<KeptPrivateRound>
    if (typeof value.roundId !== 'string' || !Array.isArray(value.records)) return null
    return { roundId: value.roundId, records: value.records, unsent: value.unsent ?? [], removed: value.removed ?? [] }
  } catch {
    return null
  }
}

/** Keeps (or, with null, forgets) the round's private records on this device. */
export function savePrivateRound(boardId: string, identityId: string, kept: KeptPrivateRound | null): void {
  try {
    if (kept === null || (kept.records.length === 0 && kept.removed.length === 0)) localStorage.removeItem(key(boardId, identityId))
    else localStorage.setItem(key(boardId, identityId), JSON.stringify(kept))
  } catch (err) {
    // A full storage: the records still reach the server when online.
    console.warn('Fabrique: could not keep private notes on this device', err)
  }
}
