import { Box, getDisplayValues, type Editor, type TLFrameShape, type TLShape, type TLShapeId } from 'tldraw'
import { getTemplate } from '../../../shared/templates/catalogue'

/**
 * The zones of a board, in the order people read them.
 *
 * A template marks its structure in each shape's `meta` (shared/templates/types.ts): a zone is a
 * locked geo shape with `meta.part === 'zone'`, `meta.zone` (its key) and `meta.insertion` (which
 * insertion of which `meta.template` it belongs to); its label and prompt are text shapes with
 * the same `zone` and `insertion` and `part` 'label' / 'prompt'. Zones nested in another zone
 * (rings, cells of a band) are part of their parent: only top-level zones are navigation stops.
 * tldraw frames drawn on the page are zones too (their name is the frame's name).
 */

export interface BoardZone {
  /** The zone's shape. */
  id: TLShapeId
  /** What the zone is called on the board (its label, a frame's name). */
  name: string
  /** Page bounds. */
  bounds: Box
  /**
   * The smallest text that matters in the zone, in page units at zoom 1: its label, prompt and
   * texts, the notes on it, and never more than a new note's text (so what participants will
   * write stays legible too).
   */
  minFontSize: number
}

/** tldraw's note text at size 'm' (theme font size 16 × LABEL_FONT_SIZES.m 1.375): a new note's text. */
export const NOTE_FONT_SIZE = 22

/** Template parts whose text must be read (not the title, which is large anyway). */
const READ_PARTS = new Set(['label', 'prompt', 'text'])

type Meta = Record<string, unknown>
const metaOf = (shape: TLShape): Meta => (shape.meta ?? {}) as Meta
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/**
 * The font size a shape's text is drawn at, in page units (× its scale), as tldraw computes it:
 * text shapes use FONT_SIZES, notes and geo labels LABEL_FONT_SIZES (notes also shrink long
 * words: `fontSizeAdjustment`). Null for shapes without text.
 */
export function shapeFontSize(editor: Editor, shape: TLShape): number | null {
  const util = editor.getShapeUtil(shape) as unknown as Parameters<typeof getDisplayValues>[0]
  if (!('options' in util) || typeof (util.options as { getDefaultDisplayValues?: unknown })?.getDefaultDisplayValues !== 'function') return null
  const dv = getDisplayValues(util, shape) as { fontSize?: number; labelFontSize?: number }
  const props = shape.props as { scale?: number; fontSizeAdjustment?: number }
  const scale = props.scale ?? 1
  if (shape.type === 'text' && typeof dv.fontSize === 'number') return dv.fontSize * scale
  if (shape.type === 'note' && typeof dv.labelFontSize === 'number') return dv.labelFontSize * (props.fontSizeAdjustment || 1) * scale
  return null
}

interface Candidate {
  id: TLShapeId
  group: string
  /** Position in its template's definition (its authors' reading order); null when unknown. */
  order: number | null
  name: string
  bounds: Box
}

/**
 * Reading order of rectangles: rows from the top (a rectangle joins a row when it starts in the
 * upper half of the row's first one), left to right in a row, top to bottom at equal x.
 */
export function readingOrder<T extends { bounds: { x: number; y: number; w: number; h: number } }>(items: readonly T[]): T[] {
  const rest = [...items].sort((a, b) => a.bounds.y - b.bounds.y || a.bounds.x - b.bounds.x)
  const out: T[] = []
  while (rest.length) {
    const leader = rest[0]!
    const limit = leader.bounds.y + leader.bounds.h / 2
    const row = rest.filter((item) => item.bounds.y < limit)
    row.sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y)
    out.push(...row)
    for (const item of row) rest.splice(rest.indexOf(item), 1)
  }
  return out
}

function contains(outer: Box, inner: Box): boolean {
  const eps = 0.5
  return inner.minX >= outer.minX - eps && inner.maxX <= outer.maxX + eps && inner.minY >= outer.minY - eps && inner.maxY <= outer.maxY + eps
}

/**
 * The zones of the current page, in reading order (empty for a board without template or frames).
 * `withFonts: false` skips measuring their texts (`minFontSize` is then NOTE_FONT_SIZE), for
 * what only needs names and bounds and runs on every change.
 */
export function findZones(editor: Editor, withFonts = true): BoardZone[] {
  const shapes = editor.getCurrentPageShapes()
  const pageId = editor.getCurrentPageId()
  const labels = new Map<string, string>()
  for (const shape of shapes) {
    const meta = metaOf(shape)
    if (meta.part !== 'label') continue
    const text = editor.getShapeUtil(shape).getText(shape)?.trim()
    if (text) labels.set(`${str(meta.insertion)}/${str(meta.zone)}`, text.replace(/\s+/g, ' '))
  }

  const candidates: Candidate[] = []
  for (const shape of shapes) {
    const meta = metaOf(shape)
    const bounds = editor.getShapePageBounds(shape)
    if (!bounds || bounds.w <= 0 || bounds.h <= 0) continue
    if (shape.type === 'frame' && shape.parentId === pageId) {
      candidates.push({ id: shape.id, group: shape.id, order: null, name: (shape as TLFrameShape).props.name || editor.getShapeUtil(shape).getText(shape) || '', bounds })
      continue
    }
    const zoneKey = str(meta.zone)
    const insertion = str(meta.insertion)
    if (meta.part !== 'zone' || !zoneKey || !insertion) continue
    const def = getTemplate(str(meta.template) ?? '')
    const index = def ? def.zones.findIndex((z) => z.key === zoneKey) : -1
    // Nested zones belong to their parent (the definition says so; geometry decides otherwise).
    if (index >= 0 && def!.zones[index]!.parent) continue
    candidates.push({ id: shape.id, group: insertion, order: index >= 0 ? index : null, name: labels.get(`${insertion}/${zoneKey}`) ?? '', bounds })
  }

  // Per insertion: drop zones lying inside another one, then order them.
  const groups = new Map<string, Candidate[]>()
  for (const c of candidates) groups.set(c.group, [...(groups.get(c.group) ?? []), c])
  const ordered: { bounds: Box; zones: Candidate[] }[] = []
  for (const members of groups.values()) {
    const top = members.filter((c) => !members.some((o) => o !== c && o.bounds.w * o.bounds.h > c.bounds.w * c.bounds.h && contains(o.bounds, c.bounds)))
    const known = top.every((c) => c.order !== null)
    const zones = known ? [...top].sort((a, b) => a.order! - b.order!) : readingOrder(top)
    ordered.push({ bounds: Box.Common(zones.map((z) => z.bounds)), zones })
  }

  const notes = withFonts ? shapes.filter((s) => s.type === 'note') : []
  const texts = withFonts ? shapes.filter((s) => s.type === 'text' && READ_PARTS.has(str(metaOf(s).part) ?? '')) : []
  return readingOrder(ordered).flatMap((g) =>
    g.zones.map((z): BoardZone => {
      let min = NOTE_FONT_SIZE
      for (const s of [...texts, ...notes]) {
        const b = editor.getShapePageBounds(s)
        if (!b || !z.bounds.containsPoint(b.center)) continue
        const size = shapeFontSize(editor, s)
        if (size && size < min) min = size
      }
      return { id: z.id, name: z.name, bounds: z.bounds, minFontSize: min }
    }),
  )
}
