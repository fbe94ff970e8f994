import type { Editor } from 'tldraw'
import type * as Y from 'yjs'
import type { Lang } from '../../shared/lang'
import { applyTemplate, findFreeOrigin, getTemplate, templateBounds } from '../../shared/templates'

/** Origin of template insertions: not LOCAL, so the binding brings the new shapes into the store. */
export const TEMPLATE_ORIGIN = Symbol('fabrique-template')

function newInsertionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')
}

/**
 * Inserts a template into a board at the centre of the view — moved aside until it covers no
 * existing content — then brings it into view. Written to the board document in one
 * transaction, exactly once per insertion, with `author` stamped as the server would.
 */
export function insertTemplate(editor: Editor, doc: Y.Doc, templateId: string, lang: Lang, author: string): boolean {
  const def = getTemplate(templateId)
  if (!def) throw new Error(`insertTemplate: unknown template ${templateId}`)
  const existing = [...editor.getCurrentPageShapeIds()].map((id) => editor.getShapePageBounds(id)).filter((b) => b !== undefined)
  const origin = findFreeOrigin(existing, editor.getViewportPageBounds().center, { w: def.width, h: def.height })
  const top = editor.getCurrentPageShapesSorted().at(-1)?.index
  const inserted = applyTemplate(
    doc,
    templateId,
    { lang, origin, insertionId: newInsertionId(), pageId: editor.getCurrentPageId(), author, ...(top && { indexAbove: top }) },
    TEMPLATE_ORIGIN,
  )
  if (inserted) {
    const b = templateBounds(def, origin)
    editor.zoomToBounds(b, { inset: 40, animation: { duration: 300 } })
  }
  return inserted
}
