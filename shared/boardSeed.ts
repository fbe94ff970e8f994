import * as Y from 'yjs'
import type { Lang } from './lang'
import { applyTemplate, ensureTemplatesMap } from './templates'
import { createBoardSchema, DEFAULT_PAGE_ID, initialBoardRecords, putRecords, writeSchema } from './tldrawDoc'

/** Insertion id of the template a board is created from. */
export const INITIAL_INSERTION = 'initial'

const PAGE_NAME: Record<Lang, string> = { fr: 'Page 1', en: 'Page 1' }

/**
 * The first state of a new board, as one Yjs update: the tldraw schema, the document and its
 * page, the (empty) map of applied templates, and the template's shapes if there is one.
 * It depends only on the template and the language, so it can be built ahead of time.
 */
export function buildBoardSeed(template: string | null, lang: Lang): Uint8Array {
  const doc = new Y.Doc()
  writeSchema(doc, createBoardSchema())
  putRecords(doc, initialBoardRecords(PAGE_NAME[lang]))
  // Created here, once, so clients inserting templates later never race to create it.
  ensureTemplatesMap(doc)
  if (template) applyTemplate(doc, template, { lang, origin: { x: 0, y: 0 }, insertionId: INITIAL_INSERTION, pageId: DEFAULT_PAGE_ID })
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}
