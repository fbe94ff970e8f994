import type { StoredRecord } from '../../shared/boardDoc'

/** Longest text a vote's result keeps of a note (results live in the board's session map). */
export const RESULT_TEXT_MAX = 280

/** Text of one node of tldraw's rich text (TipTap JSON), its children's joined. */
function nodeText(node: unknown, depth: number): string {
  if (typeof node !== 'object' || node === null || depth > 32) return ''
  const { text, content } = node as { text?: unknown; content?: unknown }
  if (typeof text === 'string') return text
  return Array.isArray(content) ? content.map((child) => nodeText(child, depth + 1)).join('') : ''
}

/**
 * The plain text of a note (one line per paragraph), as a vote's results show it; at most
 * {@link RESULT_TEXT_MAX} characters. Empty for a record that is gone or has no text.
 */
export function noteText(record: StoredRecord | undefined): string {
  const rich = (record?.props as { richText?: { content?: unknown } } | undefined)?.richText
  const blocks = Array.isArray(rich?.content) ? rich.content : []
  const text = blocks
    .map((block) => nodeText(block, 0))
    .join('\n')
    .trim()
  return text.length > RESULT_TEXT_MAX ? `${text.slice(0, RESULT_TEXT_MAX - 1)}…` : text
}
