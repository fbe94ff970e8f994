import {
  toRichText,
  type TLArrowShape,
  type TLGeoShape,
  type TLNoteShape,
  type TLPageId,
  type TLRichText,
  type TLShape,
  type TLShapeId,
  type TLTextShape,
} from '@tldraw/tlschema'
import { getIndicesAbove, type IndexKey } from '@tldraw/utils'
import type { Lang } from '../lang'
import { noteRecord } from '../noteRecord'
import { arrowEndPoint, headerLayout, zoneTextLayout, type PlacedText } from './layout'
import type { Point, TemplateArrow, TemplateDefinition, TemplateNote, TemplatePart, TemplateShapeMeta, TemplateText, TemplateZone } from './types'

export { findFreeOrigin, templateBounds } from './placement'

/** How to build one insertion of a template. */
export interface BuildTemplateOptions {
  lang: Lang
  /** Page position of the template's top-left corner. */
  origin: Point
  /**
   * Id of this insertion: letters, digits, '-' and '_' (at most 64). Shape ids derive from it,
   * so building the same insertion twice yields the same records.
   */
  insertionId: string
  pageId: TLPageId
  /**
   * The template's shapes are stacked above this index. Leave it unset (the default) when
   * several clients may apply the same insertion: they must all build identical records.
   */
  indexAbove?: IndexKey | null
  /** Identity that inserts it, stamped on every shape (`meta.author`); none for a board's own template. */
  author?: string
}

const INSERTION_ID = /^[A-Za-z0-9_-]{1,64}$/

/** The deterministic id of one shape of an insertion, e.g. `shape:tpl-3f2a-zone-events`. */
export function templateShapeId(insertionId: string, part: string): TLShapeId {
  return `shape:tpl-${insertionId}-${part}` as TLShapeId
}

/** Plain or bold rich text (TipTap JSON, as tldraw stores it). */
function richText(text: string, bold: boolean): TLRichText {
  if (!bold) return toRichText(text)
  return {
    type: 'doc',
    content: text.split('\n').map((line) => (line ? { type: 'paragraph', content: [{ type: 'text', text: line, marks: [{ type: 'bold' }] }] } : { type: 'paragraph' })),
  }
}

/** Nesting depth of each zone (0 for top-level zones); throws on unknown parents or cycles. */
function zoneDepths(def: TemplateDefinition): Map<string, number> {
  const byKey = new Map(def.zones.map((z) => [z.key, z]))
  const depths = new Map<string, number>()
  const depth = (zone: TemplateZone, seen: Set<string>): number => {
    const known = depths.get(zone.key)
    if (known !== undefined) return known
    if (!zone.parent) return 0
    if (seen.has(zone.key)) throw new Error(`template ${def.id}: zone "${zone.key}" is nested in itself`)
    const parent = byKey.get(zone.parent)
    if (!parent) throw new Error(`template ${def.id}: zone "${zone.key}" has unknown parent "${zone.parent}"`)
    seen.add(zone.key)
    const d = depth(parent, seen) + 1
    depths.set(zone.key, d)
    return d
  }
  for (const zone of def.zones) depths.set(zone.key, depth(zone, new Set()))
  return depths
}

/**
 * Turns a template into tldraw shapes on a page: locked zones, labels, prompts, texts and
 * arrows, then unlocked example notes. Deterministic: the same definition and options give the
 * same records, ids included. Z-order, bottom to top: zones (parents below their nested zones),
 * arrows, texts, example notes.
 */
export function buildTemplate(def: TemplateDefinition, options: BuildTemplateOptions): TLShape[] {
  const { lang, origin, insertionId, pageId, author } = options
  if (!INSERTION_ID.test(insertionId)) throw new Error(`buildTemplate(${def.id}): invalid insertion id "${insertionId.slice(0, 80)}"`)

  type Draft = Omit<TLShape, 'index'>
  const drafts: Draft[] = []
  const meta = (part: TemplatePart, extra: { zone?: string; key?: string } = {}): TemplateShapeMeta => {
    const m: TemplateShapeMeta = { template: def.id, insertion: insertionId, part }
    if (extra.zone) m.zone = extra.zone
    if (extra.key) m.key = extra.key
    return m
  }
  const base = (idPart: string, x: number, y: number, isLocked: boolean, m: TemplateShapeMeta) => ({
    id: templateShapeId(insertionId, idPart),
    typeName: 'shape' as const,
    parentId: pageId,
    x: origin.x + x,
    y: origin.y + y,
    rotation: 0,
    isLocked,
    opacity: 1,
    meta: author === undefined ? { ...m } : { ...m, author },
  })

  const text = (idPart: string, t: PlacedText, m: TemplateShapeMeta, color: TemplateText['color'] = 'black'): Omit<TLTextShape, 'index'> => ({
    ...base(idPart, t.x, t.y, true, m),
    type: 'text',
    props: {
      color,
      size: t.size,
      font: 'sans',
      textAlign: t.align,
      w: t.w,
      richText: richText(t.text, t.bold),
      scale: 1,
      autoSize: false,
    },
  })

  // Zones, parents first so that nested zones are drawn above them.
  const depths = zoneDepths(def)
  const zones = [...def.zones].sort((a, b) => depths.get(a.key)! - depths.get(b.key)!)
  for (const zone of zones) {
    const geo: Omit<TLGeoShape, 'index'> = {
      ...base(`zone-${zone.key}`, zone.x, zone.y, true, meta('zone', { zone: zone.key })),
      type: 'geo',
      props: {
        geo: zone.shape,
        dash: zone.dash ?? 'solid',
        url: '',
        w: zone.w,
        h: zone.h,
        growY: 0,
        scale: 1,
        flipX: false,
        flipY: false,
        labelColor: 'black',
        color: zone.color,
        fill: zone.fill ?? 'solid',
        size: zone.parent ? 's' : 'm',
        font: 'sans',
        align: 'middle',
        verticalAlign: 'middle',
        richText: toRichText(''),
      },
    }
    drafts.push(geo)
  }

  for (const arrow of def.arrows ?? []) drafts.push(buildArrow(def, arrow, lang, base(`arrow-${arrow.key}`, 0, 0, true, meta('arrow', { key: arrow.key }))))

  for (const zone of def.zones) {
    const layout = zoneTextLayout(zone, lang)
    drafts.push(text(`label-${zone.key}`, layout.label, meta('label', { zone: zone.key })))
    if (layout.prompt) drafts.push(text(`prompt-${zone.key}`, layout.prompt, meta('prompt', { zone: zone.key })))
  }
  for (const t of def.texts ?? []) {
    const placed: PlacedText = { x: t.x, y: t.y, w: t.w, h: 0, inkWidth: 0, text: t.text[lang], size: t.size, bold: t.bold ?? false, align: t.align ?? 'start' }
    drafts.push(text(`text-${t.key}`, placed, meta('text', { zone: t.within, key: t.key }), t.color))
  }
  const header = headerLayout(def, lang)
  drafts.push(text('title', header.title, meta('title')))
  drafts.push(text('description', header.description, meta('text', { key: 'description' })))

  for (const note of def.notes ?? []) drafts.push(buildNote(note, lang, base(`example-${note.key}`, note.x, note.y, false, meta('example', { zone: note.zone, key: note.key }))))

  const ids = new Set<string>()
  for (const d of drafts) {
    if (ids.has(d.id)) throw new Error(`buildTemplate(${def.id}): duplicate shape id ${d.id}`)
    ids.add(d.id)
  }
  const indices = getIndicesAbove(options.indexAbove ?? null, drafts.length)
  return drafts.map((d, i) => ({ ...d, index: indices[i]! }) as TLShape)
}

type ShapeBase = Pick<TLShape, 'id' | 'typeName' | 'parentId' | 'x' | 'y' | 'rotation' | 'isLocked' | 'opacity' | 'meta'>

function buildArrow(def: TemplateDefinition, arrow: TemplateArrow, lang: Lang, b: ShapeBase): Omit<TLArrowShape, 'index'> {
  const from = arrowEndPoint(def, arrow.from)
  const to = arrowEndPoint(def, arrow.to)
  const heads = arrow.heads ?? 'end'
  return {
    ...b,
    x: b.x + from.x,
    y: b.y + from.y,
    type: 'arrow',
    props: {
      kind: 'arc',
      labelColor: 'black',
      color: arrow.color ?? 'black',
      fill: 'none',
      dash: arrow.dash ?? 'solid',
      size: arrow.size ?? 'm',
      arrowheadStart: heads === 'both' ? 'arrow' : 'none',
      arrowheadEnd: heads === 'none' ? 'none' : 'arrow',
      font: 'sans',
      start: { x: 0, y: 0 },
      end: { x: to.x - from.x, y: to.y - from.y },
      bend: arrow.bend ?? 0,
      richText: toRichText(arrow.label?.[lang] ?? ''),
      labelPosition: arrow.labelPosition ?? 0.5,
      scale: 1,
      elbowMidPoint: 0.5,
    },
  }
}

function buildNote(note: TemplateNote, lang: Lang, b: ShapeBase): Omit<TLNoteShape, 'index'> {
  // The index is set with the others' once every shape is built.
  const { index: _index, ...shape } = noteRecord({ ...b, index: 'a0', text: note.text[lang], color: note.color, meta: { ...b.meta } })
  return shape as unknown as Omit<TLNoteShape, 'index'>
}
