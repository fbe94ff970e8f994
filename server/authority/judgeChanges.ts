import * as Y from 'yjs'
import { referencesOf } from '../../shared/authority/records'
import { judgeRecordChange, Rule, type RuleContext, type RuleName } from '../../shared/authority/rules'
import { BoardDocKey, BoardMetaKey, getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import { BoardSessionKey, editingModeOf, readEditingMode } from '../../shared/boardSession'
import type { Role } from '../../shared/roles'
import type { Correction } from '../rooms/RoomHooks'
import type { DocChange } from '../rooms/transactionChanges'

/** Who wrote the changes being judged, and on which board. */
export interface Writer {
  role: Role
  identityId: string
  /** Where the board's images are served: assets must point there. */
  assetPrefix: string
}

/** Rule name of a correction that stamps authorship (not a refusal). */
export const AUTHOR_STAMP = 'author-stamp'

/** Deleted records remembered per board, so that one coming back is judged as what it was. */
export const RECENTLY_DELETED_MAX = 5000

/**
 * Records deleted on a board while it is in memory, last value first. A record can come back
 * under the same id — tldraw's undo of a delete, or an edit made offline meeting a deletion
 * (Yjs keeps the write): it is then judged as a change of the record it was, so it keeps its
 * author and its lock.
 */
export class RecentlyDeleted {
  private readonly records = new Map<string, StoredRecord>()

  get(id: string): StoredRecord | undefined {
    return this.records.get(id)
  }

  remember(record: StoredRecord): void {
    this.records.delete(record.id)
    this.records.set(record.id, record)
    if (this.records.size > RECENTLY_DELETED_MAX) this.records.delete(this.records.keys().next().value!)
  }

  forget(id: string): void {
    this.records.delete(id)
  }
}

function asRecord(value: unknown): StoredRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as StoredRecord).typeName === 'string' ? (value as StoredRecord) : undefined
}

const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Y.AbstractType)

/** The rule refusing a change outside `records`, or null to accept it. */
function judgeOtherChange(change: DocChange, role: Role): RuleName | null {
  if (change.path.length === 0) return Rule.unknownEntry
  switch (change.root) {
    case BoardDocKey.records:
      // Records are whole JSON values: anything nested inside one is not a record.
      return Rule.invalidRecord
    case BoardDocKey.session:
      return Rule.serverOnly
    case BoardDocKey.meta: {
      const [key] = change.path
      if (key === BoardMetaKey.schema) return Rule.serverOnly
      if (key !== BoardMetaKey.templates) return Rule.unknownEntry
      if (role !== 'facilitator') return Rule.metaFacilitatorOnly
      // Facilitators mark the templates they insert: the map is created once, its entries are ids.
      if (change.path.length === 1) return change.after instanceof Y.Map && (change.before === undefined || isPlainObject(change.before)) ? null : Rule.metaFacilitatorOnly
      return change.path.length === 2 && (typeof change.after === 'string' || change.after === undefined) ? null : Rule.unknownEntry
    }
    default:
      // Maps a client invented: never valid, but removing what is there is fine.
      return change.after === undefined ? null : Rule.unknownEntry
  }
}

/**
 * Judges what one client update did to a board: every entry it created, changed or removed
 * is checked against the writer's role and the board's editing mode, and the corrections to
 * write are returned (refusals set the entry back; authorship is stamped).
 *
 * Records are judged together, until nothing changes: refusing one record can make another
 * invalid (a note placed in a frame whose creation was refused; a frame deleted while a note
 * in it is kept).
 */
export function judgeChanges(doc: Y.Doc, writer: Writer, changes: readonly DocChange[], deleted = new RecentlyDeleted()): Correction[] {
  const corrections: Correction[] = []
  const recordChanges = new Map<string, DocChange>()
  for (const change of changes) {
    if (change.root === BoardDocKey.records && change.path.length === 1) {
      recordChanges.set(change.path[0]!, change)
      continue
    }
    const rule = judgeOtherChange(change, writer.role)
    if (rule) corrections.push({ change, value: change.before, rule, refused: true })
  }
  if (recordChanges.size === 0) return corrections

  const records = getRecordsMap(doc)
  // The mode as it was before this update: the document already holds the update, so a
  // client that wrote `session.editing` in it (refused above) would otherwise be judged by
  // the mode it chose (unfreezing the board for its own notes).
  const editing = changes.find((c) => c.root === BoardDocKey.session && c.path.length === 1 && c.path[0] === BoardSessionKey.editing)
  const mode = editing ? editingModeOf(editing.before) : readEditingMode(doc)
  // What each changed record was: its value before, or what it was when it was deleted.
  const previous = new Map<string, StoredRecord | undefined>()
  for (const [id, change] of recordChanges) previous.set(id, change.before === undefined ? deleted.get(id) : asRecord(change.before))
  const refused = new Map<string, RuleName>()
  const rewrites = new Map<string, StoredRecord>()
  const ctx: RuleContext = {
    role: writer.role,
    identityId: writer.identityId,
    assetPrefix: writer.assetPrefix,
    mode,
    before: (id) => (previous.has(id) ? previous.get(id) : asRecord(records.get(id))),
    after: (id) => {
      const change = recordChanges.get(id)
      if (!change) return asRecord(records.get(id))
      if (refused.has(id)) return asRecord(change.before)
      return rewrites.get(id) ?? asRecord(change.after)
    },
  }
  // Who points to whom, built only when something is deleted.
  let dependents: Map<string, Set<string>> | null = null
  const buildDependents = () => {
    const index = new Map<string, Set<string>>()
    const add = (record: StoredRecord | undefined) => {
      if (!record) return
      for (const ref of referencesOf(record)) {
        let set = index.get(ref.id)
        if (!set) index.set(ref.id, (set = new Set()))
        set.add(record.id)
      }
    }
    for (const value of records.values()) add(asRecord(value))
    for (const change of recordChanges.values()) add(asRecord(change.before))
    return index
  }
  const stillPointedTo = (id: string) => {
    dependents ??= buildDependents()
    for (const dependent of dependents.get(id) ?? []) {
      const record = ctx.after(dependent)
      if (record && referencesOf(record).some((ref) => ref.id === id)) return true
    }
    return false
  }

  let settled = false
  while (!settled) {
    settled = true
    for (const [id, change] of recordChanges) {
      if (refused.has(id)) continue
      const verdict = judgeRecordChange(ctx, id, previous.get(id), change.after)
      if (verdict.kind === 'refuse') {
        refused.set(id, verdict.rule)
        rewrites.delete(id)
        settled = false
        continue
      }
      if (verdict.kind === 'rewrite') rewrites.set(id, verdict.value)
      if (change.after === undefined && stillPointedTo(id)) {
        refused.set(id, Rule.inUse)
        settled = false
      }
    }
  }
  for (const [id, change] of recordChanges) {
    const rule = refused.get(id)
    if (rule) {
      corrections.push({ change, value: change.before, rule, refused: true })
      continue
    }
    const rewrite = rewrites.get(id)
    if (rewrite) corrections.push({ change, value: rewrite, rule: AUTHOR_STAMP, refused: false })
    const gone = asRecord(change.before)
    if (change.after === undefined && gone) deleted.remember(gone)
    else if (change.after !== undefined) deleted.forget(id)
  }
  return corrections
}
