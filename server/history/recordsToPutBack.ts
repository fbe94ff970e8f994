import { DEFAULT_PAGE_ID, type StoredRecord } from '../../shared/boardDoc'
import type { BinEntry } from '../persistence/Storage'

/** What putting records back from the bin writes, and what it cannot. */
export interface PutBackPlan {
  /** Records to write, as they were (authors kept), shapes' parents fixed. */
  records: StoredRecord[]
  /** Asked-for records already on the board again (an undo, an earlier put-back): they just leave the bin. */
  alreadyThere: string[]
  /** Shapes whose frame, group or page is gone, put on the board's page where they were. */
  reparented: number
  /** Records left in the bin: bindings one of whose ends is not on the board, shapes with no page to go on. */
  skipped: string[]
}

/** What the plan reads of the board. */
export interface BoardRecords {
  has(id: string): boolean
  get(id: string): StoredRecord | undefined
  values(): IterableIterator<StoredRecord>
}

/** The board's page where orphans go: tldraw's default one if it is there, else the first. */
function firstPage(board: BoardRecords): string | null {
  if (board.get(DEFAULT_PAGE_ID)?.typeName === 'page') return DEFAULT_PAGE_ID
  const pages = [...board.values()].filter((r) => r?.typeName === 'page').sort((a, b) => (String(a.index) < String(b.index) ? -1 : 1))
  return pages[0]?.id ?? null
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

/**
 * Where a shape is on the page: its position and rotation composed with those of every
 * parent known (on the board or in the bin) up to a page. A shape whose chain is broken by a
 * record known nowhere keeps its own coordinates.
 */
function onPage(shape: StoredRecord, known: (id: string) => StoredRecord | undefined): { x: number; y: number; rotation: number } {
  let x = num(shape.x)
  let y = num(shape.y)
  let rotation = num(shape.rotation)
  let parent = typeof shape.parentId === 'string' ? known(shape.parentId) : undefined
  for (let depth = 0; parent?.typeName === 'shape' && depth < 100; depth++) {
    const r = num(parent.rotation)
    const cos = Math.cos(r)
    const sin = Math.sin(r)
    ;[x, y] = [num(parent.x) + x * cos - y * sin, num(parent.y) + x * sin + y * cos]
    rotation += r
    parent = typeof parent.parentId === 'string' ? known(parent.parentId) : undefined
  }
  return { x, y, rotation }
}

/**
 * What putting `selected` back on the board writes. Records keep their ids and authors. A
 * shape whose parent (frame, group, page) is neither on the board nor put back with it goes on
 * the board's page, where it was on the page; a binding whose ends are not both there stays
 * in the bin. `bin` (everything in it) tells where deleted parents were.
 */
export function recordsToPutBack(board: BoardRecords, selected: readonly BinEntry[], bin: readonly BinEntry[]): PutBackPlan {
  const binned = new Map(bin.map((e) => [e.recordId, e.record]))
  const alreadyThere = selected.filter((e) => board.has(e.recordId)).map((e) => e.recordId)
  const coming = new Map(selected.filter((e) => !board.has(e.recordId)).map((e) => [e.recordId, e.record]))
  const present = (id: unknown) => typeof id === 'string' && (board.has(id) || coming.has(id))
  const known = (id: string) => board.get(id) ?? coming.get(id) ?? binned.get(id)
  const pages = [...coming.values()].filter((r) => r.typeName === 'page')
  const page = firstPage(board) ?? pages[0]?.id ?? null
  const records: StoredRecord[] = []
  const skipped: string[] = []
  let reparented = 0
  // Assets and pages first, then shapes, then bindings: the order tldraw creates them in.
  const rank = (r: StoredRecord) => (r.typeName === 'shape' ? 1 : r.typeName === 'binding' ? 2 : 0)
  for (const record of [...coming.values()].sort((a, b) => rank(a) - rank(b))) {
    if (record.typeName === 'shape') {
      if (present(record.parentId)) {
        records.push(record)
        continue
      }
      if (!page) {
        skipped.push(record.id)
        continue
      }
      records.push({ ...record, ...onPage(record, known), parentId: page })
      reparented++
    } else if (record.typeName === 'binding') {
      if (present(record.fromId) && present(record.toId)) records.push(record)
      else skipped.push(record.id)
    } else {
      records.push(record)
    }
  }
  return { records, alreadyThere, reparented, skipped }
}
