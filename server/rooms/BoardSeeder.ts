import * as Y from 'yjs'
import type { Board } from '../../shared/lab'
import type { Lang } from '../../shared/lang'
import { createBoardSchema, initialBoardRecords, putRecords, writeSchema } from '../../shared/tldrawDoc'

/** Builds the first state of new boards, so clients never race to create it. */
export interface BoardSeeder {
  isTemplateId(id: string): boolean
  /** The update a new board starts with: schema, document, page and its template's shapes. */
  initialUpdate(board: Board, lang: Lang): Uint8Array
}

const PAGE_NAME: Record<Lang, string> = { fr: 'Page 1', en: 'Page 1' }

export function createBoardSeeder(): BoardSeeder {
  const schema = createBoardSchema()
  return {
    isTemplateId: () => false,
    initialUpdate(_board, lang) {
      const doc = new Y.Doc()
      writeSchema(doc, schema)
      putRecords(doc, initialBoardRecords(PAGE_NAME[lang]))
      const update = Y.encodeStateAsUpdate(doc)
      doc.destroy()
      return update
    },
  }
}
