import type { Editor, TLRecord } from 'tldraw'

/** tldraw's file format version (`LATEST_TLDRAW_FILE_FORMAT_VERSION` in tldraw's `file.ts`). */
export const TLDR_FILE_FORMAT_VERSION = 1
export const TLDR_MIME_TYPE = 'application/vnd.tldraw+json'

/** What goes in a `.tldr` file: the document's content (no camera, selection or people). */
const CONTENT_TYPES = new Set(['document', 'page', 'shape', 'binding', 'asset'])

export interface TldrFileBuild {
  /** The file's text: `{tldrawFileFormatVersion, schema, records}`, as tldraw's `serializeTldrawJson` writes it. */
  json: string
  /** Images that could not be read (offline…): left with their address on this Fabrique. */
  missingImages: number
}

/** A file's bytes as a `data:` URL. */
function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.onerror = () => reject(reader.error ?? new Error('unreadable image'))
    reader.readAsDataURL(blob)
  })
}

/**
 * A board as a `.tldr` file that tldraw.com and the tldraw SDK open without Fabrique: the
 * records of the editor's document (the board, or the checkpoint shown) at its schema, each
 * image embedded as a `data:` URL (read from Fabrique's origin, with the board's image
 * cookie), images no shape shows left out — as tldraw's own `serializeTldrawJson` does,
 * except that an image that cannot be read is counted instead of silently kept as an address.
 */
export async function buildTldrFile(editor: Editor, fetchImage: (src: string) => Promise<Blob> = defaultFetchImage): Promise<TldrFileBuild> {
  const records = editor.store.allRecords().filter((r) => CONTENT_TYPES.has(r.typeName))
  const used = new Set<string>()
  for (const r of records) {
    const assetId = r.typeName === 'shape' ? (r.props as { assetId?: unknown }).assetId : undefined
    if (typeof assetId === 'string') used.add(assetId)
  }
  let missingImages = 0
  const out: TLRecord[] = []
  for (const record of records) {
    if (record.typeName !== 'asset') {
      out.push(record)
      continue
    }
    if (!used.has(record.id)) continue
    const src = (record.props as { src?: unknown }).src
    if (record.type === 'bookmark' || typeof src !== 'string' || src === '' || src.startsWith('data:')) {
      out.push(record)
      continue
    }
    try {
      out.push({ ...record, props: { ...record.props, src: await dataUrl(await fetchImage(src)) } } as TLRecord)
    } catch {
      missingImages++
      out.push(record)
    }
  }
  const json = JSON.stringify({ tldrawFileFormatVersion: TLDR_FILE_FORMAT_VERSION, schema: editor.store.schema.serialize(), records: out })
  return { json, missingImages }
}

/** An image of the board, from Fabrique's origin only (the board's image cookie lets it through). */
async function defaultFetchImage(src: string): Promise<Blob> {
  const url = new URL(src, location.href)
  if (url.origin !== location.origin) throw new Error(`not on this Fabrique: ${url.origin}`)
  const res = await fetch(url, { credentials: 'same-origin' })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return res.blob()
}
