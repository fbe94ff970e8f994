import type { Lang } from '../lang'
import { measureText } from './textMetrics'
import type { ArrowEnd, Point, Rect, TemplateDefinition, TemplateZone, TextAlign, TextSize } from './types'

/**
 * Where a template's texts go, and the geometry the builder and the tests share. Everything is
 * in template coordinates.
 */

/** Inner margin of a zone around its label and prompt. */
export const ZONE_PADDING = 20

/** Space between a label and its prompt. */
export const TEXT_GAP = 6

/** Top of the description under the title. */
export const DESCRIPTION_Y = 68

/** A text block as the builder writes it, with its estimated height. */
export interface PlacedText {
  x: number
  y: number
  w: number
  /** Estimated height of the wrapped text. */
  h: number
  /** Width of the widest wrapped line (≤ w). */
  inkWidth: number
  text: string
  size: TextSize
  bold: boolean
  align: TextAlign
}

export interface ZoneTextLayout {
  label: PlacedText
  prompt: PlacedText | null
  /** The rectangle covering label and prompt. */
  bounds: Rect
}

function place(text: string, size: TextSize, bold: boolean, x: number, y: number, w: number, align: TextAlign): PlacedText {
  const m = measureText(text, size, w, bold)
  return { x, y, w, h: m.h, inkWidth: m.w, text, size, bold, align }
}

/** Half of an ellipse zone's width at page height `y` (0 outside it). */
export function ellipseHalfWidthAt(zone: Rect, y: number): number {
  const a = zone.w / 2
  const b = zone.h / 2
  const dy = (y - (zone.y + b)) / b
  return Math.abs(dy) >= 1 ? 0 : a * Math.sqrt(1 - dy * dy)
}

/** Where a zone's label and prompt are written, and how much room they take. */
export function zoneTextLayout(zone: TemplateZone, lang: Lang): ZoneTextLayout {
  const labelSize = zone.labelSize ?? 'l'
  const promptSize = zone.promptSize ?? 'm'
  let x: number
  let y: number
  let w: number
  let align: TextAlign
  if (zone.textBox) {
    ;({ x, y, w } = zone.textBox)
    align = zone.textBox.align ?? 'start'
  } else if (zone.shape === 'ellipse') {
    // Text starts a little below the top, where the ellipse is wide enough, centred.
    y = zone.y + zone.h * 0.12
    w = 2 * ellipseHalfWidthAt(zone, y) - 2 * ZONE_PADDING
    x = zone.x + (zone.w - w) / 2
    align = 'middle'
  } else {
    x = zone.x + ZONE_PADDING
    y = zone.y + ZONE_PADDING
    w = zone.textWidth ?? zone.w - 2 * ZONE_PADDING
    align = zone.textAlign ?? 'start'
  }
  const label = place(zone.label[lang], labelSize, true, x, y, w, align)
  const prompt = zone.prompt ? place(zone.prompt[lang], promptSize, false, x, y + label.h + TEXT_GAP, w, align) : null
  if (zone.textVerticalAlign === 'middle' && !zone.textBox && zone.shape === 'rectangle') {
    const height = prompt ? prompt.y + prompt.h - label.y : label.h
    const shift = zone.y + (zone.h - height) / 2 - label.y
    label.y += shift
    if (prompt) prompt.y += shift
  }
  const bottom = prompt ? prompt.y + prompt.h : label.y + label.h
  return { label, prompt, bounds: { x, y: label.y, w, h: bottom - label.y } }
}

/** The part of a text box actually covered by its (estimated) ink, given its alignment. */
export function inkRect(t: PlacedText): Rect {
  const dx = t.align === 'start' ? 0 : t.align === 'middle' ? (t.w - t.inkWidth) / 2 : t.w - t.inkWidth
  return { x: t.x + dx, y: t.y, w: t.inkWidth, h: t.h }
}

/** Title and description of a template, as written at its top. */
export function headerLayout(def: TemplateDefinition, lang: Lang): { title: PlacedText; description: PlacedText } {
  return {
    title: place(def.title[lang], 'xl', true, 0, 0, def.width, 'start'),
    description: place(def.description[lang], 'm', false, 0, DESCRIPTION_Y, def.width, 'start'),
  }
}

/** Resolves an arrow end to a point in template coordinates. */
export function arrowEndPoint(def: TemplateDefinition, end: ArrowEnd): Point {
  if (!('zone' in end)) return { x: end.x, y: end.y }
  const zone = def.zones.find((z) => z.key === end.zone)
  if (!zone) throw new Error(`template ${def.id}: arrow end refers to unknown zone "${end.zone}"`)
  const gap = end.gap ?? 10
  const offset = end.offset ?? 0
  // `offset` slides the end along the side, from its middle.
  const cx = zone.x + zone.w / 2 + offset
  const cy = zone.y + zone.h / 2 + offset
  switch (end.side) {
    case 'top':
      return { x: cx, y: zone.y - gap }
    case 'bottom':
      return { x: cx, y: zone.y + zone.h + gap }
    case 'left':
      return { x: zone.x - gap, y: cy }
    case 'right':
      return { x: zone.x + zone.w + gap, y: cy }
    default:
      return assertNever(end.side)
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`)
}

// ---------------------------------------------------------------------------------------------
// Geometry

const EPS = 0.5

/** Do two rectangles share some area (touching edges do not count)? */
export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w - EPS && b.x < a.x + a.w - EPS && a.y < b.y + b.h - EPS && b.y < a.y + a.h - EPS
}

/** Is point `p` inside the zone's shape (its ellipse, for ellipse zones)? */
export function zoneContainsPoint(zone: Pick<TemplateZone, 'shape'> & Rect, p: Point): boolean {
  if (zone.shape === 'ellipse') {
    const a = zone.w / 2
    const b = zone.h / 2
    const dx = (p.x - (zone.x + a)) / a
    const dy = (p.y - (zone.y + b)) / b
    return dx * dx + dy * dy <= 1 + 1e-6
  }
  return p.x >= zone.x - EPS && p.x <= zone.x + zone.w + EPS && p.y >= zone.y - EPS && p.y <= zone.y + zone.h + EPS
}

/** Points along a zone's outline (its four corners for a rectangle). */
export function zoneOutline(zone: Pick<TemplateZone, 'shape'> & Rect, samples = 72): Point[] {
  if (zone.shape === 'rectangle') return rectCorners(zone)
  const a = zone.w / 2
  const b = zone.h / 2
  return Array.from({ length: samples }, (_, i) => {
    const t = (i / samples) * Math.PI * 2
    return { x: zone.x + a + a * Math.cos(t), y: zone.y + b + b * Math.sin(t) }
  })
}

export function rectCorners(r: Rect): Point[] {
  return [
    { x: r.x, y: r.y },
    { x: r.x + r.w, y: r.y },
    { x: r.x, y: r.y + r.h },
    { x: r.x + r.w, y: r.y + r.h },
  ]
}

/** Does `inner` (a zone) lie inside `outer` (a zone)? */
export function zoneInsideZone(inner: Pick<TemplateZone, 'shape'> & Rect, outer: Pick<TemplateZone, 'shape'> & Rect): boolean {
  return zoneOutline(inner).every((p) => zoneContainsPoint(outer, p))
}

/** Does a rectangle lie inside a zone's shape? */
export function rectInsideZone(r: Rect, zone: Pick<TemplateZone, 'shape'> & Rect): boolean {
  return rectCorners(r).every((p) => zoneContainsPoint(zone, p))
}

/** Does a rectangle share area with a zone's shape (approximately, for ellipses)? */
export function rectTouchesZone(r: Rect, zone: Pick<TemplateZone, 'shape'> & Rect): boolean {
  if (!rectsOverlap(r, zone)) return false
  if (zone.shape === 'rectangle') return true
  // Sample the rectangle: any sample inside the ellipse means they overlap.
  const steps = 12
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      if (zoneContainsPoint(zone, { x: r.x + (r.w * i) / steps, y: r.y + (r.h * j) / steps })) return true
    }
  }
  return false
}
