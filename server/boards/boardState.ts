import * as Y from 'yjs'
import type { SerializedSchema } from '@tldraw/store'
import { boardAssetPrefix } from '../../shared/assets'
import { BoardMetaKey, getMetaMap, getRecordsMap, readStoredSchema, type StoredRecord } from '../../shared/boardDoc'

/** What a new board made from another one (a copy, an imported file) starts with. */
export interface BoardContent {
  /** tldraw document records, at `schema`. */
  records: readonly StoredRecord[]
  /** The tldraw schema the records are written with (the server migrates older ones on load). */
  schema: SerializedSchema | null
  /** Templates applied to it: insertion id → template id. */
  templates: ReadonlyMap<string, string>
}

/** The props of an asset that hold an address (its file, a link preview's image and icon). */
const ASSET_ADDRESS_PROPS = ['src', 'image', 'favicon'] as const

/** A board's content as one Yjs update: its first state. The live workshop state (`session`) starts empty. */
export function encodeBoardContent({ records, schema, templates }: BoardContent): Uint8Array {
  const doc = new Y.Doc()
  try {
    doc.transact(() => {
      const map = getRecordsMap(doc)
      for (const record of records) map.set(record.id, record)
      const meta = getMetaMap(doc)
      if (schema) meta.set(BoardMetaKey.schema, schema)
      // Created with the board, as seeds do: clients inserting templates later share one map.
      const applied = new Y.Map<string>()
      for (const [insertion, template] of templates) applied.set(insertion, template)
      meta.set(BoardMetaKey.templates, applied)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/** What a board document holds: its records, schema and applied templates (copies, not live values). */
export function readBoardContent(doc: Y.Doc): BoardContent {
  const templates = new Map<string, string>()
  const value = getMetaMap(doc).get(BoardMetaKey.templates)
  if (value instanceof Y.Map) {
    for (const [k, v] of value.entries()) if (typeof v === 'string') templates.set(k, v)
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') templates.set(k, v)
  }
  return { records: [...getRecordsMap(doc).values()].map((r) => structuredClone(r)), schema: structuredClone(readStoredSchema(doc)), templates }
}

/** A board document built from stored updates (a board's log, a checkpoint's state). */
export function docFromUpdates(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update)
  })
  return doc
}

/**
 * `records` with every asset address under `fromPrefix` (a board's images) moved under
 * `toPrefix` (another board's), and the ids of the images they point to.
 */
export function moveAssetAddresses(records: readonly StoredRecord[], fromPrefix: string, toPrefix: string): { records: StoredRecord[]; assetIds: string[] } {
  const assetIds = new Set<string>()
  const moved = records.map((record) => {
    if (record.typeName !== 'asset' || typeof record.props !== 'object' || record.props === null) return record
    const props = { ...(record.props as Record<string, unknown>) }
    let changed = false
    for (const key of ASSET_ADDRESS_PROPS) {
      const value = props[key]
      if (typeof value !== 'string' || !value.startsWith(fromPrefix)) continue
      const assetId = value.slice(fromPrefix.length)
      assetIds.add(assetId)
      props[key] = toPrefix + assetId
      changed = true
    }
    return changed ? { ...record, props } : record
  })
  return { records: moved, assetIds: [...assetIds] }
}

/** A copy of a board's content for another board of the same lab: its images moved to the copy's addresses. */
export function copyBoardContent(source: Y.Doc, fromBoardId: string, toBoardId: string): { content: BoardContent; assetIds: string[] } {
  const content = readBoardContent(source)
  const { records, assetIds } = moveAssetAddresses(content.records, boardAssetPrefix(fromBoardId), boardAssetPrefix(toBoardId))
  return { content: { ...content, records }, assetIds }
}
