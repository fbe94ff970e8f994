import fs from 'node:fs'
import zlib from 'node:zlib'

/**
 * Reads advance widths from a WOFF2 font (the fonts tldraw ships), to check the width tables of
 * shared/templates/textMetrics.ts against the fonts actually installed. Supports what those
 * fonts use: brotli-compressed tables, untransformed `hmtx`, a format 4 `cmap`.
 */

const KNOWN_TAGS = [
  'cmap', 'head', 'hhea', 'hmtx', 'maxp', 'name', 'OS/2', 'post', 'cvt ', 'fpgm', 'glyf', 'loca', 'prep', 'CFF ', 'VORG', 'EBDT', 'EBLC', 'gasp',
  'hdmx', 'kern', 'LTSH', 'PCLT', 'VDMX', 'vhea', 'vmtx', 'BASE', 'GDEF', 'GPOS', 'GSUB', 'EBSC', 'JSTF', 'MATH', 'CBDT', 'CBLC', 'COLR', 'CPAL',
  'SVG ', 'sbix', 'acnt', 'avar', 'bdat', 'bloc', 'bsln', 'cvar', 'fdsc', 'feat', 'fmtx', 'fvar', 'gvar', 'hsty', 'just', 'lcar', 'mort', 'morx',
  'opbd', 'prop', 'trak', 'Zapf', 'Silf', 'Glat', 'Gloc', 'Feat', 'Sill',
]

/** Returns a function giving a character's advance width in em, or null if the font has no glyph for it. */
export function readAdvanceWidths(file: string): (ch: string) => number | null {
  const buf = fs.readFileSync(file)
  let p = 0
  const u32 = () => ((p += 4), buf.readUInt32BE(p - 4))
  const u16 = () => ((p += 2), buf.readUInt16BE(p - 2))
  const u8 = () => buf[p++]!
  if (u32() !== 0x774f4632) throw new Error(`${file}: not a WOFF2 font`)
  p = 12
  const numTables = u16()
  p = 20
  const totalCompressedSize = u32()
  p = 48
  const base128 = () => {
    let acc = 0
    for (let i = 0; i < 5; i++) {
      const b = u8()
      acc = acc * 128 + (b & 0x7f)
      if (!(b & 0x80)) return acc
    }
    throw new Error('bad UIntBase128')
  }
  const tables: { tag: string; length: number; transformed: boolean }[] = []
  for (let i = 0; i < numTables; i++) {
    const flags = u8()
    let tag: string
    if ((flags & 0x3f) === 0x3f) {
      tag = buf.toString('latin1', p, p + 4)
      p += 4
    } else tag = KNOWN_TAGS[flags & 0x3f]!
    const version = (flags >> 6) & 3
    const origLength = base128()
    const transformed = tag === 'glyf' || tag === 'loca' ? version === 0 : version !== 0
    const length = transformed ? base128() : origLength
    tables.push({ tag, length, transformed })
  }
  const data = zlib.brotliDecompressSync(buf.subarray(p, p + totalCompressedSize))
  const byTag = new Map<string, Buffer>()
  let off = 0
  for (const t of tables) {
    if (t.tag === 'hmtx' && t.transformed) throw new Error(`${file}: transformed hmtx is not supported`)
    byTag.set(t.tag, data.subarray(off, off + t.length))
    off += t.length
  }
  const unitsPerEm = byTag.get('head')!.readUInt16BE(18)
  const numHMetrics = byTag.get('hhea')!.readUInt16BE(34)
  const hmtx = byTag.get('hmtx')!
  const cmap = byTag.get('cmap')!
  let sub = -1
  for (let i = 0; i < cmap.readUInt16BE(2); i++) {
    if (cmap.readUInt16BE(4 + i * 8) === 3 && cmap.readUInt16BE(6 + i * 8) === 1) sub = cmap.readUInt32BE(8 + i * 8)
  }
  if (sub < 0 || cmap.readUInt16BE(sub) !== 4) throw new Error(`${file}: no format 4 Unicode cmap`)
  const segX2 = cmap.readUInt16BE(sub + 6)
  const ends = sub + 14
  const starts = ends + segX2 + 2
  const deltas = starts + segX2
  const rangeOffsets = deltas + segX2
  const glyph = (c: number): number => {
    for (let i = 0; i < segX2 / 2; i++) {
      if (c > cmap.readUInt16BE(ends + 2 * i)) continue
      const start = cmap.readUInt16BE(starts + 2 * i)
      if (c < start) return 0
      const delta = cmap.readInt16BE(deltas + 2 * i)
      const ro = cmap.readUInt16BE(rangeOffsets + 2 * i)
      if (ro === 0) return (c + delta) & 0xffff
      const g = cmap.readUInt16BE(rangeOffsets + 2 * i + ro + 2 * (c - start))
      return g === 0 ? 0 : (g + delta) & 0xffff
    }
    return 0
  }
  return (ch: string) => {
    const g = glyph(ch.codePointAt(0)!)
    if (!g) return null
    return hmtx.readUInt16BE(4 * Math.min(g, numHMetrics - 1)) / unitsPerEm
  }
}
