import type { StoredRecord } from './boardDoc'

/** What a sticky note needs; everything else takes tldraw's defaults. */
export interface NoteFields {
  /** Record id, `shape:…`. */
  id: string
  parentId: string
  x: number
  y: number
  /** Fractional index (z-order), e.g. `a1`. */
  index: string
  text: string
  color?: string
  isLocked?: boolean
  meta?: Record<string, unknown>
}

/** Plain text as tldraw's rich text (TipTap JSON): one paragraph per line. */
export function plainRichText(text: string): { type: 'doc'; content: unknown[] } {
  return { type: 'doc', content: text.split('\n').map((line) => (line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' })) }
}

/**
 * A tldraw note record as the canvas writes it (tldraw 5's note shape). Used by templates'
 * example notes, by tests and by the benchmark, whose writers write what a participant writes.
 */
export function noteRecord({ id, parentId, x, y, index, text, color = 'yellow', isLocked = false, meta = {} }: NoteFields): StoredRecord {
  return {
    id,
    typeName: 'shape',
    type: 'note',
    parentId,
    index,
    x,
    y,
    rotation: 0,
    isLocked,
    opacity: 1,
    meta,
    props: {
      color,
      labelColor: 'black',
      size: 'm',
      font: 'sans',
      fontSizeAdjustment: 1,
      align: 'middle',
      verticalAlign: 'middle',
      growY: 0,
      url: '',
      richText: plainRichText(text),
      scale: 1,
      textLastEditedBy: null,
    },
  }
}
