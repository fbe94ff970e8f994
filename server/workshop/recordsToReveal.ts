import type * as Y from 'yjs'
import { DEFAULT_PAGE_ID, getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import { PRIVATE_ROUND_META } from '../../shared/workshop/privateRound'

/** One private record and whose it is. */
export interface PrivateEntry {
  authorId: string
  record: StoredRecord
}

export interface Reveal {
  /** What to write into the board, assets first, then shapes, then bindings. */
  records: StoredRecord[]
  /** Shapes whose frame or group is gone, put on the page instead. */
  reparented: number
  /** Bindings dropped: one of their shapes is gone. */
  dropped: number
  /** Records given a new id: theirs was taken meanwhile (on the board, or by another author). */
  renamed: number
}

/** The board's page where orphans go: the first page (tldraw's default one if it is there). */
function pageOf(records: Y.Map<StoredRecord>): string | null {
  if (records.get(DEFAULT_PAGE_ID)?.typeName === 'page') return DEFAULT_PAGE_ID
  const pages = [...records.values()].filter((r) => r?.typeName === 'page').sort((a, b) => (String(a.index) < String(b.index) ? -1 : 1))
  return pages[0]?.id ?? null
}

/**
 * What revealing a private round writes into the board: every author's records, with their
 * authors, positions and ids — except where the board changed under them during the round. A
 * shape whose frame was deleted is put on the page (visible, where it was relative to that
 * frame); a binding to a shape that is gone is dropped; a record whose id was taken (a record
 * of the board written since, or another author's with the same id) gets a new one, and that
 * author's records pointing to it follow. Revealed shapes are marked with the round
 * (`meta.privateRound`), so clients can name their authors.
 */
export function recordsToReveal(doc: Y.Doc, roundId: string, entries: readonly PrivateEntry[], newId: (typeName: string) => string): Reveal {
  const board = getRecordsMap(doc)
  const taken = new Set<string>()
  const renames = new Map<string, Map<string, string>>()
  let renamed = 0
  const placed = entries.map(({ authorId, record }) => {
    let id = record.id
    if (board.has(id) || taken.has(id)) {
      id = newId(record.typeName)
      let mine = renames.get(authorId)
      if (!mine) renames.set(authorId, (mine = new Map()))
      mine.set(record.id, id)
      renamed++
    }
    taken.add(id)
    return { authorId, record: { ...record, id } }
  })
  const exists = (id: unknown) => typeof id === 'string' && (taken.has(id) || board.has(id))
  const page = pageOf(board)
  const assets: StoredRecord[] = []
  const shapes: StoredRecord[] = []
  const bindings: StoredRecord[] = []
  let reparented = 0
  let dropped = 0
  for (const { authorId, record: original } of placed) {
    const mine = renames.get(authorId)
    const follow = (id: unknown) => (typeof id === 'string' ? (mine?.get(id) ?? id) : id)
    const record: StoredRecord = { ...original }
    switch (record.typeName) {
      case 'shape': {
        record.meta = { ...((record.meta as Record<string, unknown> | undefined) ?? {}), [PRIVATE_ROUND_META]: roundId }
        record.parentId = follow(record.parentId)
        const props = record.props as Record<string, unknown> | undefined
        if (props && typeof props.assetId === 'string') record.props = { ...props, assetId: follow(props.assetId) }
        if (!exists(record.parentId) && page) {
          record.parentId = page
          reparented++
        }
        shapes.push(record)
        break
      }
      case 'binding':
        record.fromId = follow(record.fromId)
        record.toId = follow(record.toId)
        if (exists(record.fromId) && exists(record.toId)) bindings.push(record)
        else dropped++
        break
      default:
        assets.push(record)
    }
  }
  return { records: [...assets, ...shapes, ...bindings], reparented, dropped, renamed }
}
