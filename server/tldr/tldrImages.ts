import type { StoredRecord } from '../../shared/boardDoc'
import { boardAssetPrefix } from '../../shared/assets'
import { IMAGE_TYPES } from '../http/assetRoutes'
import type { StoredAsset } from '../persistence/Storage'
import { TldrFileError } from './TldrFileError'

/** An image of an imported file, to be stored with its new board. */
export interface ImportedImage {
  asset: StoredAsset
  data: Uint8Array
}

export interface SettledImages {
  /** The records, images pointing to the new board's own addresses; left-out ones removed, their shapes without a picture. */
  records: StoredRecord[]
  images: ImportedImage[]
  /** Assets left out: at another address (never fetched), or of a kind boards do not keep (videos, link previews). */
  dropped: number
}

export interface SettleImagesOptions {
  boardId: string
  maxAssetBytes: number
  createdAt: string
  newId: () => string
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`

/** A `data:` URL's declared type and bytes, or null when it is not one. */
function decodeDataUrl(url: string): { type: string; bytes: Buffer } | null {
  const comma = url.indexOf(',')
  if (!/^data:/i.test(url) || comma < 0) return null
  const [type = '', ...params] = url.slice(5, comma).split(';')
  const body = url.slice(comma + 1)
  const base64 = params.some((p) => p.trim().toLowerCase() === 'base64')
  let bytes: Buffer
  try {
    bytes = base64 ? Buffer.from(body, 'base64') : Buffer.from(decodeURIComponent(body), 'utf8')
  } catch {
    return { type: type.trim().toLowerCase(), bytes: Buffer.alloc(0) }
  }
  return { type: type.trim().toLowerCase() || 'text/plain', bytes }
}

/**
 * The images of an imported file: each embedded one (`data:` URL) becomes an image of the new
 * board — its type read from its bytes — and its record points there; any other address is
 * never fetched (no request leaves Fabrique): that asset is left out, as are videos and link
 * previews, and shapes that showed one keep their place without a picture. Throws a
 * {@link TldrFileError} for a damaged or oversized embedded image.
 */
export function settleImages(records: readonly StoredRecord[], { boardId, maxAssetBytes, createdAt, newId }: SettleImagesOptions): SettledImages {
  const images: ImportedImage[] = []
  const droppedIds = new Set<string>()
  const kept: StoredRecord[] = []
  for (const record of records) {
    if (record.typeName !== 'asset') {
      kept.push(record)
      continue
    }
    const props = record.props as Record<string, unknown>
    const src = props.src
    if (record.type !== 'image' || typeof src !== 'string' || !src.toLowerCase().startsWith('data:')) {
      // An image not uploaded yet has no address at all: kept, tldraw shows its placeholder.
      if (record.type === 'image' && (src === null || src === '')) kept.push(record)
      else droppedIds.add(record.id)
      continue
    }
    const decoded = decodeDataUrl(src)
    if (!decoded || decoded.bytes.length === 0) throw new TldrFileError('tldr.invalidImage', `${record.id}: its embedded image is empty or unreadable`)
    if (decoded.bytes.length > maxAssetBytes) throw new TldrFileError('tldr.imageTooLarge', `${record.id}: its image takes ${mib(decoded.bytes.length)}, an image may take ${mib(maxAssetBytes)}`)
    // The type is what the bytes are; a declared type is only tried first.
    const types = Object.keys(IMAGE_TYPES)
    const contentType = [decoded.type, ...types].find((t) => Object.hasOwn(IMAGE_TYPES, t) && IMAGE_TYPES[t]!(decoded.bytes))
    if (!contentType) {
      // A kind of image boards do not keep (BMP, TIFF…): left out like an address elsewhere.
      if (decoded.type.startsWith('image/') && !Object.hasOwn(IMAGE_TYPES, decoded.type)) {
        droppedIds.add(record.id)
        continue
      }
      throw new TldrFileError('tldr.invalidImage', `${record.id}: its embedded image is damaged or not an image (${types.join(', ')})`)
    }
    const id = newId()
    images.push({ asset: { id, boardId, contentType, size: decoded.bytes.length, createdAt }, data: new Uint8Array(decoded.bytes) })
    kept.push({ ...record, props: { ...props, src: `${boardAssetPrefix(boardId)}${id}`, mimeType: contentType } })
  }
  const assetIds = new Set(kept.filter((r) => r.typeName === 'asset').map((r) => r.id))
  // Shapes showing an asset that is left out (or that the file does not have) keep their place, without it.
  const settled = kept.map((record) => {
    const props = record.props as Record<string, unknown> | undefined
    if (record.typeName !== 'shape' || typeof props?.assetId !== 'string' || assetIds.has(props.assetId)) return record
    return { ...record, props: { ...props, assetId: null } }
  })
  return { records: settled, images, dropped: droppedIds.size }
}
