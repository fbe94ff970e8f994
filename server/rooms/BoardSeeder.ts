import * as Y from 'yjs'
import type { Board } from '../../shared/lab'
import type { Lang } from '../../shared/lang'
import { applyTemplate, ensureTemplatesMap, isTemplateId } from '../../shared/templates'
import { createBoardSchema, DEFAULT_PAGE_ID, initialBoardRecords, putRecords, writeSchema } from '../../shared/tldrawDoc'

/** Builds the first state of new boards, so clients never race to create it. */
export interface BoardSeeder {
  isTemplateId(id: string): boolean
  /** The update a new board starts with: schema, document, page and its template's shapes. */
  initialUpdate(board: Board, lang: Lang): Uint8Array
}

/** Insertion id of the template a board is created from. */
export const INITIAL_INSERTION = 'initial'

const PAGE_NAME: Record<Lang, string> = { fr: 'Page 1', en: 'Page 1' }

export function createBoardSeeder(): BoardSeeder {
  const schema = createBoardSchema()
  return {
    isTemplateId,
    initialUpdate(board, lang) {
      const doc = new Y.Doc()
      writeSchema(doc, schema)
      putRecords(doc, initialBoardRecords(PAGE_NAME[lang]))
      // Created here, once, so clients inserting templates later never race to create it.
      ensureTemplatesMap(doc)
      if (board.template) {
        applyTemplate(doc, board.template, { lang, origin: { x: 0, y: 0 }, insertionId: INITIAL_INSERTION, pageId: DEFAULT_PAGE_ID })
      }
      const update = Y.encodeStateAsUpdate(doc)
      doc.destroy()
      return update
    },
  }
}
