import type { TLRecord, TLStore } from 'tldraw'
import { withAuthor } from '../../shared/authority/records'
import { judgeRecordChange, Rule, type RuleContext, type RuleName } from '../../shared/authority/rules'
import type { StoredRecord } from '../../shared/boardDoc'
import type { EditingMode } from '../../shared/boardSession'
import type { Role } from '../../shared/roles'

export interface GuardOptions {
  store: TLStore
  role: Role
  identityId: string
  mode: () => EditingMode
  /** This person tried something the board's rules forbid (it was not done). */
  onRefused: (rule: RuleName) => void
}

/**
 * Runs the board's rules (the same ones the server enforces) on this person's own changes in
 * the canvas, before they happen: a forbidden change — deleting someone else's note, moving a
 * locked zone — is simply not made, and the person is told why, instead of the server having
 * to undo it a round trip later. New shapes are stamped with their author, as the server
 * would. Only changes made here are checked; what comes from the server is the authority.
 *
 * Structural checks (well-formed records, existing parents) stay on the server: tldraw writes
 * related records in an order of its own within a batch, and those are its business.
 */
export function guardWithRules({ store, role, identityId, mode, onRefused }: GuardOptions): () => void {
  const get = (id: string) => store.get(id as TLRecord['id']) as unknown as StoredRecord | undefined
  const context = (): RuleContext => ({ role, identityId, mode: mode(), before: get, after: get })
  const STRUCTURAL: readonly RuleName[] = [Rule.invalidRecord, Rule.missingReference, Rule.inUse]
  const refusal = (prev: StoredRecord | undefined, next: StoredRecord | undefined): RuleName | null => {
    const verdict = judgeRecordChange(context(), (next ?? prev)!.id, prev, next)
    return verdict.kind === 'refuse' && !STRUCTURAL.includes(verdict.rule) ? verdict.rule : null
  }
  const stamp = <R extends TLRecord>(record: R): R => (record.typeName === 'shape' || record.typeName === 'asset' ? (withAuthor(record as unknown as StoredRecord, identityId) as unknown as R) : record)

  // tldraw keeps a `user` record of its own for attribution; a refused one is not worth telling.
  const tell = (typeName: string, rule: RuleName) => typeName !== 'user' && onRefused(rule)
  const cleanups = (['shape', 'asset', 'binding', 'page', 'document', 'user'] as const).flatMap((typeName) => [
    store.sideEffects.registerBeforeCreateHandler(typeName, (record, source) => (source === 'user' ? stamp(record) : record)),
    store.sideEffects.registerBeforeChangeHandler(typeName, (prev, next, source) => {
      if (source !== 'user') return next
      const rule = refusal(prev as unknown as StoredRecord, next as unknown as StoredRecord)
      if (rule === null) return next
      tell(typeName, rule)
      return prev
    }),
    store.sideEffects.registerBeforeDeleteHandler(typeName, (record, source) => {
      if (source !== 'user') return
      const rule = refusal(record as unknown as StoredRecord, undefined)
      if (rule === null) return
      tell(typeName, rule)
      return false
    }),
  ])
  return () => cleanups.forEach((cleanup) => cleanup())
}
