import * as Y from 'yjs'

/**
 * One entry of the board document that a transaction created, changed or removed, with its
 * value before and after. Values are what the map holds: plain JSON for records, a `Y.Map`
 * for nested maps (`meta.templates`); `undefined` means absent.
 */
export interface DocChange {
  /** Root map of the document: `records`, `meta`, `session`, or a name a client invented. */
  readonly root: string
  /**
   * Keys from the root to the entry: `['shape:abc']`, `['templates', 'a1b2']`. Empty for
   * list content (array, text) anywhere: Fabrique's document has none, so it is never valid.
   */
  readonly path: readonly string[]
  readonly before: unknown
  readonly after: unknown
  /** The Yjs type holding the entry (used to correct it). */
  readonly type: Y.AbstractType<unknown>
  /** The entry's key in `type`, or null for list content. */
  readonly key: string | null
}

/** Yjs internals this module reads; they are stable across Yjs 13. */
interface TypeInternals {
  _item: Y.Item | null
  _map: Map<string, Y.Item>
  _start: Y.Item | null
}

const internals = (type: Y.AbstractType<unknown>) => type as unknown as TypeInternals

/** Whether `item` was integrated by transaction `tr` (its clock is past the state before it). */
function addedIn(tr: Y.Transaction, item: Y.Item): boolean {
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0)
}

/** Whether `item` was deleted by `tr` (the delete set is not sorted until the transaction ends). */
function deletedIn(tr: Y.Transaction, item: Y.Item): boolean {
  const ranges = tr.deleteSet.clients.get(item.id.client)
  if (!ranges) return false
  const clock = item.id.clock
  for (const range of ranges) if (range.clock <= clock && clock < range.clock + range.len) return true
  return false
}

function itemValue(item: Y.Item): unknown {
  const content = item.content.getContent()
  return content[content.length - 1]
}

/** The value a map entry had before `tr`: the rightmost of its items that `tr` did not add. */
function valueBefore(tr: Y.Transaction, current: Y.Item | undefined): unknown {
  let item: Y.Item | null = current ?? null
  while (item !== null && addedIn(tr, item)) item = item.left
  if (item === null) return undefined
  return !item.deleted || deletedIn(tr, item) ? itemValue(item) : undefined
}

/**
 * Whether changes inside `type` are covered by a change further up: the type (or one of its
 * ancestors) was created by this transaction, or is deleted.
 */
function coveredByAncestor(tr: Y.Transaction, type: Y.AbstractType<unknown>): boolean {
  let item = internals(type)._item
  while (item !== null) {
    if (item.deleted || addedIn(tr, item)) return true
    item = internals(item.parent as Y.AbstractType<unknown>)._item
  }
  return false
}

/** Keys from the root down to `type`, and the root type. */
function pathTo(type: Y.AbstractType<unknown>): { root: Y.AbstractType<unknown>; path: string[] } {
  const path: string[] = []
  let current = type
  let item = internals(current)._item
  while (item !== null) {
    path.unshift(item.parentSub ?? '[]')
    current = item.parent as Y.AbstractType<unknown>
    item = internals(current)._item
  }
  return { root: current, path }
}

function rootName(doc: Y.Doc, root: Y.AbstractType<unknown>): string {
  for (const [name, type] of doc.share) if (type === root) return name
  return '?'
}

/**
 * What transaction `tr` did to the document so far, entry by entry. Call it inside the
 * transaction (e.g. right after applying a client's update in it): the values before are read
 * from the items the transaction replaced, whose content is still there until it ends.
 */
export function collectChanges(tr: Y.Transaction): DocChange[] {
  const changes: DocChange[] = []
  for (const [type, keys] of tr.changed) {
    const t = type as Y.AbstractType<unknown>
    if (coveredByAncestor(tr, t)) continue
    const { root, path } = pathTo(t)
    const name = rootName(tr.doc, root)
    for (const key of keys) {
      if (key === null) {
        changes.push({ root: name, path: [], before: undefined, after: undefined, type: t, key: null })
        continue
      }
      const current = internals(t)._map.get(key)
      const after = current && !current.deleted ? itemValue(current) : undefined
      const before = valueBefore(tr, current)
      if (before === after) continue
      changes.push({ root: name, path: [...path, key], before, after, type: t, key })
    }
  }
  return changes
}

/** A new map holding the entries `type` had before `tr` (nested maps restored as maps). */
function restoreMap(tr: Y.Transaction, type: Y.AbstractType<unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  for (const [key, item] of internals(type)._map) {
    const value = valueBefore(tr, item)
    if (value !== undefined) map.set(key, value instanceof Y.AbstractType ? restoreMap(tr, value) : value)
  }
  return map
}

/**
 * Sets a changed entry to `value` inside transaction `tr` (`undefined` removes it): the
 * server's correction of a refused change. A nested map that `tr` replaced or deleted is
 * restored as a new map with the entries it had.
 */
export function setEntry(tr: Y.Transaction, change: DocChange, value: unknown): void {
  const type = change.type
  if (change.key === null) {
    // List content is never valid: remove what this transaction inserted.
    for (let item = internals(type)._start; item !== null; item = item.right) if (!item.deleted && addedIn(tr, item)) item.delete(tr)
    return
  }
  if (value === undefined) {
    const item = internals(type)._map.get(change.key)
    if (item && !item.deleted) item.delete(tr)
    return
  }
  if (!(type instanceof Y.Map)) throw new Error(`setEntry: ${change.root} is not a map; an entry can only be removed`)
  type.set(change.key, value instanceof Y.AbstractType ? restoreMap(tr, value) : value)
}
