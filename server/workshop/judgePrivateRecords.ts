import { referencesOf } from '../../shared/authority/records'
import { judgeRecordChange, Rule, type RuleContext } from '../../shared/authority/rules'
import type { StoredRecord } from '../../shared/boardDoc'
import type { EditingMode } from '../../shared/boardSession'
import { PRIVATE_RECORDS_MAX } from '../../shared/workshop/privateRound'

/** Why a private record was refused, beside the board's own rules. */
export const PrivateRule = {
  /** The id is a record of the board: a private record is a new one. */
  public: 'private-exists-publicly',
  /** Only shapes, their images and their arrows' bindings are written privately. */
  notPrivate: 'private-not-allowed',
  /** A binding of an arrow that is on the board is written on the board. */
  publicArrow: 'private-public-arrow',
  /** The author holds {@link PRIVATE_RECORDS_MAX} records in this round already. */
  full: 'private-round-full',
  /** The author's records would take more than {@link PRIVATE_BYTES_MAX} together. */
  tooLarge: 'private-round-too-large',
} as const

/** What is judged: one author's private records in a round, and what they ask to change. */
export interface PrivateJudgement {
  role: 'participant'
  authorId: string
  mode: EditingMode
  assetPrefix: string
  /** A record of the board, as the author's change sees it. */
  publicRecord(id: string): StoredRecord | undefined
  /** The author's private records now, by id. */
  held: ReadonlyMap<string, StoredRecord>
  /** Records to create or replace (untrusted values), by id. */
  puts: ReadonlyMap<string, unknown>
  /** Ids of the author's private records to delete. */
  removes: ReadonlySet<string>
}

export interface PrivateVerdicts {
  /** Records accepted, as they are to be kept (authorship stamped). */
  accepted: Map<string, StoredRecord>
  /** Deletions accepted. */
  removed: Set<string>
  /** What was refused, and by which rule. */
  refused: Map<string, string>
}

const PRIVATE_TYPES = ['shape', 'asset', 'binding']

/**
 * Bytes (as JSON) one person's private records may take in a round: they are kept in storage,
 * outside the board's own size limit, until the reveal writes them into the board. Hundreds of
 * notes take a few hundred KiB.
 */
export const PRIVATE_BYTES_MAX = 4 * 1024 * 1024

const sizeOf = (record: StoredRecord) => Buffer.byteLength(JSON.stringify(record), 'utf8')

/**
 * Judges a change of one author's private records with the board's own rules, as if the
 * author made it on the board: the context sees the board's records and the author's own
 * private ones (nobody else's), `before` is the author's previous private version. Ids of the
 * board are refused (a private record is new), and so is going past
 * {@link PRIVATE_RECORDS_MAX} records. As in `judgeChanges`, records are judged together until
 * nothing changes: refusing a frame refuses the notes put in it.
 */
export function judgePrivateRecords(j: PrivateJudgement): PrivateVerdicts {
  const refused = new Map<string, string>()
  const rewrites = new Map<string, StoredRecord>()
  const ctx: RuleContext = {
    role: j.role,
    identityId: j.authorId,
    mode: j.mode,
    assetPrefix: j.assetPrefix,
    before: (id) => j.held.get(id) ?? j.publicRecord(id),
    after: (id) => {
      if (j.removes.has(id) && !refused.has(id)) return undefined
      if (j.puts.has(id) && !refused.has(id)) return rewrites.get(id) ?? (j.puts.get(id) as StoredRecord)
      return j.held.get(id) ?? j.publicRecord(id)
    },
  }
  const refuse = (id: string, rule: string) => {
    refused.set(id, rule)
    rewrites.delete(id)
  }
  for (const [id, value] of j.puts) {
    const typeName = (value as Partial<StoredRecord> | null)?.typeName
    if (j.publicRecord(id) !== undefined) refuse(id, PrivateRule.public)
    else if (typeof typeName !== 'string' || !PRIVATE_TYPES.includes(typeName)) refuse(id, PrivateRule.notPrivate)
  }
  let settled = false
  while (!settled) {
    settled = true
    for (const [id, value] of j.puts) {
      if (refused.has(id)) continue
      const record = value as StoredRecord
      // A binding is part of its arrow: private only with a private arrow.
      if (record.typeName === 'binding' && typeof record.fromId === 'string' && !j.held.has(record.fromId) && !j.puts.has(record.fromId)) {
        refuse(id, PrivateRule.publicArrow)
        settled = false
        continue
      }
      const verdict = judgeRecordChange(ctx, id, j.held.get(id), value)
      if (verdict.kind === 'refuse') {
        refuse(id, verdict.rule)
        settled = false
      } else if (verdict.kind === 'rewrite') rewrites.set(id, verdict.value)
    }
    for (const id of j.removes) {
      if (refused.has(id) || !j.held.has(id)) continue
      const verdict = judgeRecordChange(ctx, id, j.held.get(id), undefined)
      // Nothing of the author's may be left pointing to it (a note in a frame deleted alone).
      const pointsHere = (other: string) => {
        const record = other === id ? undefined : ctx.after(other)
        return record !== undefined && referencesOf(record).some((ref) => ref.id === id)
      }
      const inUse = () => [...j.held.keys(), ...j.puts.keys()].some(pointsHere)
      if (verdict.kind === 'refuse' || inUse()) {
        refuse(id, verdict.kind === 'refuse' ? verdict.rule : Rule.inUse)
        settled = false
      }
    }
  }
  const accepted = new Map<string, StoredRecord>()
  for (const [id, value] of j.puts) if (!refused.has(id)) accepted.set(id, rewrites.get(id) ?? (value as StoredRecord))
  const removed = new Set([...j.removes].filter((id) => j.held.has(id) && !refused.has(id)))
  // Past the limit, the newest records are refused (those already held stay).
  let count = j.held.size - removed.size + [...accepted.keys()].filter((id) => !j.held.has(id)).length
  for (const id of [...accepted.keys()].reverse()) {
    if (count <= PRIVATE_RECORDS_MAX) break
    if (j.held.has(id)) continue
    accepted.delete(id)
    refused.set(id, PrivateRule.full)
    count--
  }
  // Past the size, likewise: the newest changes are refused.
  let bytes = 0
  for (const [id, record] of j.held) if (!removed.has(id) && !accepted.has(id)) bytes += sizeOf(record)
  for (const record of accepted.values()) bytes += sizeOf(record)
  for (const [id, record] of [...accepted].reverse()) {
    if (bytes <= PRIVATE_BYTES_MAX) break
    accepted.delete(id)
    refused.set(id, PrivateRule.tooLarge)
    bytes -= sizeOf(record) - (j.held.has(id) ? sizeOf(j.held.get(id)!) : 0)
  }
  return { accepted, removed, refused }
}
