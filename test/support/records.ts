import { DEFAULT_PAGE_ID, type StoredRecord } from '../../shared/boardDoc'
import { noteRecord, type NoteFields } from '../../shared/noteRecord'

export { DEFAULT_PAGE_ID }

let counter = 0

/** A valid tldraw note on the board's page (or in `fields.parentId`), as a client would write it. */
export function note(id: string, text = '', fields: Partial<Omit<NoteFields, 'id' | 'text'>> = {}): StoredRecord {
  counter++
  return noteRecord({ id: id.startsWith('shape:') ? id : `shape:${id}`, parentId: DEFAULT_PAGE_ID, x: counter * 10, y: 0, index: `a${counter}`, text, ...fields })
}

/** The plain text of a note or text shape (its rich text's paragraphs, one per line). */
export function textOf(record: unknown): string | undefined {
  const rich = (record as { props?: { richText?: { content?: { content?: { text?: string }[] }[] } } } | undefined)?.props?.richText
  return rich?.content?.map((p) => (p.content ?? []).map((t) => t.text ?? '').join('')).join('\n')
}
