import type { StoredRecord } from '../../shared/boardDoc'
import { TLDR_IMPORT_MAX_BYTES } from '../../shared/validation'
import type { BoardContent } from '../boards/boardState'
import { checkTldrReferences, migrateTldrRecords } from './migrateTldrRecords'
import { readTldrFile } from './readTldrFile'
import { settleImages, type ImportedImage } from './tldrImages'

/** Largest `.tldr` file imported (images embedded in it included). */
export const MAX_TLDR_BYTES = TLDR_IMPORT_MAX_BYTES

/** Distinct authors of a file looked up in the lab at most; past it, authorship is dropped. */
const MAX_AUTHOR_LOOKUPS = 500

/** A new board made from a `.tldr` file, ready to be stored in one transaction. */
export interface TldrImportPlan {
  content: BoardContent
  images: ImportedImage[]
  /** Assets left out (see {@link settleImages}). */
  dropped: number
  shapes: number
  /** The document's own name in the file ('' when it has none). */
  documentName: string
}

export interface TldrImportOptions {
  /** The new board's id: its images' addresses are under it. */
  boardId: string
  maxAssetBytes: number
  createdAt: string
  newId: () => string
  /** Whether an identity belongs to the lab the board is imported into (a shape's author is kept only then). */
  isLabIdentity: (identityId: string) => Promise<boolean>
}

// tldraw's schema code (~25 MiB) is loaded on the first import only, as for migrations on load.
let tldrawDoc: Promise<typeof import('../../shared/tldrawDoc')> | null = null

/**
 * Reads a `.tldr` file into a new board's first state: checked (JSON, a tldraw file, not
 * newer than this server), migrated with tldraw's migrations, every record validated, the
 * document's content kept, its embedded images made the board's own. Throws a
 * {@link TldrFileError} with the reason when the file cannot be imported; stores nothing.
 */
export async function planTldrImport(bytes: Uint8Array, options: TldrImportOptions): Promise<TldrImportPlan> {
  tldrawDoc ??= import('../../shared/tldrawDoc')
  tldrawDoc.catch(() => (tldrawDoc = null))
  const { createBoardSchema, initialBoardRecords } = await tldrawDoc
  const schema = createBoardSchema()
  const serialized = schema.serialize()
  const file = readTldrFile(bytes, serialized)
  const migrated = migrateTldrRecords(file, schema)
  const { records, images, dropped } = settleImages(migrated, options)
  // tldraw opens a file without a document record or a page by adding them: so does the import.
  const [defaultDocument, defaultPage] = initialBoardRecords('Page 1') as unknown as StoredRecord[]
  const documentRecord = records.find((r) => r.typeName === 'document')
  if (!documentRecord) records.unshift(defaultDocument!)
  if (!records.some((r) => r.typeName === 'page')) records.push(defaultPage!)
  checkTldrReferences(records)
  const content = await keepLabAuthors(records, options.isLabIdentity)
  return {
    content: { records: content, schema: serialized, templates: new Map() },
    images,
    dropped,
    shapes: content.filter((r) => r.typeName === 'shape').length,
    documentName: typeof documentRecord?.name === 'string' ? documentRecord.name : '',
  }
}

/**
 * Records with their author (`meta.author`) kept only when it is a person of this lab: an
 * author is who may delete a note as a participant, so a file must not hand that to anyone.
 */
async function keepLabAuthors(records: readonly StoredRecord[], isLabIdentity: (id: string) => Promise<boolean>): Promise<StoredRecord[]> {
  const authorOf = (r: StoredRecord) => (r.meta as Record<string, unknown> | undefined)?.author
  const authors = [...new Set(records.map(authorOf).filter((a): a is string => typeof a === 'string'))]
  const known = new Set<string>()
  if (authors.length <= MAX_AUTHOR_LOOKUPS) for (const author of authors) if (await isLabIdentity(author)) known.add(author)
  return records.map((record) => {
    const author = authorOf(record)
    if (author === undefined || (typeof author === 'string' && known.has(author))) return record
    const { author: _dropped, ...meta } = record.meta as Record<string, unknown>
    return { ...record, meta }
  })
}
