import * as Y from 'yjs'
import { BoardMetaKey, getMetaMap, getRecordsMap, type StoredRecord } from '../boardDoc'
import { buildTemplate, templateShapeId, type BuildTemplateOptions } from './buildTemplate'
import { getTemplate } from './catalogue'

/**
 * Applying a template to a board's Y.Doc, exactly once per insertion.
 *
 * Layout: `meta.templates` is a nested `Y.Map<string>` of insertion id → template id. A plain
 * object found there (older or hand-made documents) is read the same way and replaced by a
 * Y.Map holding the same entries the next time a template is applied.
 *
 * Concurrency: shape ids derive from the insertion id and the builder is deterministic, so two
 * clients applying the same insertion at the same time write the same keys in `records` and
 * converge to one copy. If the `templates` map does not exist yet, two clients may each create
 * one and one of the two maps (with its markers) loses; the records are still one copy, and the
 * insertion's title record also marks it as applied. Board creation should therefore call
 * {@link ensureTemplatesMap} so that every client shares the same map from the start.
 */

export type ApplyTemplateOptions = BuildTemplateOptions

function readTemplatesEntry(meta: Y.Map<unknown>): Map<string, string> {
  const value = meta.get(BoardMetaKey.templates)
  const out = new Map<string, string>()
  if (value instanceof Y.Map) {
    for (const [k, v] of value.entries()) if (typeof v === 'string') out.set(k, v)
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') out.set(k, v)
  }
  return out
}

/** Insertion id → template id of the templates applied to a board. */
export function appliedTemplates(doc: Y.Doc): ReadonlyMap<string, string> {
  return readTemplatesEntry(getMetaMap(doc))
}

/**
 * The board's `meta.templates` Y.Map, created if missing (a plain object there is converted).
 * Call it when a board is created, in the same update as its first records.
 */
export function ensureTemplatesMap(doc: Y.Doc, transactionOrigin: unknown = null): Y.Map<string> {
  const meta = getMetaMap(doc)
  const current = meta.get(BoardMetaKey.templates)
  if (current instanceof Y.Map) return current as Y.Map<string>
  let created: Y.Map<string> | null = null
  Y.transact(
    doc,
    () => {
      const entries = readTemplatesEntry(meta)
      const map = new Y.Map<string>()
      for (const [k, v] of entries) map.set(k, v)
      meta.set(BoardMetaKey.templates, map)
      created = map
    },
    transactionOrigin,
  )
  return created!
}

/**
 * Puts the shapes of one insertion of a template into the board's records and marks the
 * insertion as applied, in one transaction. Returns false, and writes no shape, if that
 * insertion was already applied (even if its shapes were deleted since); the only write then is
 * restoring a marker lost in a race (see above). Throws on an unknown template id or an invalid
 * insertion id.
 *
 * @param transactionOrigin Yjs transaction origin (e.g. to tell local changes from remote ones).
 */
export function applyTemplate(doc: Y.Doc, templateId: string, options: ApplyTemplateOptions, transactionOrigin: unknown = null): boolean {
  const def = getTemplate(templateId)
  if (!def) throw new Error(`applyTemplate: unknown template "${templateId.slice(0, 80)}"`)
  // Build first: a bad insertion id throws before the document is touched.
  const shapes = buildTemplate(def, options)
  const meta = getMetaMap(doc)
  const records = getRecordsMap(doc)
  let applied = false
  Y.transact(
    doc,
    () => {
      if (readTemplatesEntry(meta).has(options.insertionId)) return
      const templates = ensureTemplatesMap(doc)
      if (records.has(templateShapeId(options.insertionId, 'title'))) {
        // Applied by a client whose marker was lost in a race: only restore the marker.
        templates.set(options.insertionId, templateId)
        return
      }
      for (const shape of shapes) records.set(shape.id, shape as unknown as StoredRecord)
      templates.set(options.insertionId, templateId)
      applied = true
    },
    transactionOrigin,
  )
  return applied
}
