import type { Lang } from '../../shared/lang'
import {
  arrowEndPoint,
  headerLayout,
  inkRect,
  rectInsideZone,
  rectsOverlap,
  rectTouchesZone,
  ZONE_PADDING,
  zoneInsideZone,
  zoneTextLayout,
  type PlacedText,
} from '../../shared/templates/layout'
import { FONT_SIZE, LINE_HEIGHT, measureText, textWidth } from '../../shared/templates/textMetrics'
import { HEADER_HEIGHT, ROOM, type Point, type Rect, type TemplateArrow, type TemplateDefinition, type TemplateZone } from '../../shared/templates/types'

/**
 * Checks a template's layout the way a facilitator would look at it on a projector: zones that
 * do not overlap unless nested, texts that fit and do not collide, room left for notes, arrows
 * that do not run through text. Returns human-readable problems (empty when all is well).
 */

/** tldraw sticky notes are 200 × 200 at scale 1. */
export const NOTE_SIZE = 200
/** The view a template must fit in, and the smallest text size it may then show. */
export const VIEWPORT = { w: 1280, h: 720 }
export const MIN_SCREEN_PX = 12

/** Zoom at which the whole template fits the viewport. */
export function fitZoom(def: TemplateDefinition): number {
  return Math.min(VIEWPORT.w / def.width, VIEWPORT.h / def.height)
}

interface Ink {
  what: string
  rect: Rect
}

const fmt = (r: Rect) => `(${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.w)}×${Math.round(r.h)})`

function descendants(def: TemplateDefinition, key: string): TemplateZone[] {
  const out: TemplateZone[] = []
  const walk = (k: string) => {
    for (const z of def.zones) {
      if (z.parent === k) {
        out.push(z)
        walk(z.key)
      }
    }
  }
  walk(key)
  return out
}

function ancestors(def: TemplateDefinition, zone: TemplateZone): Set<string> {
  const out = new Set<string>()
  let p = zone.parent
  while (p && !out.has(p)) {
    out.add(p)
    p = def.zones.find((z) => z.key === p)?.parent
  }
  return out
}

/** Points along an arrow's path, as tldraw draws it (straight, or the arc through its bend point). */
export function arrowPath(def: TemplateDefinition, arrow: TemplateArrow, samples = 60): Point[] {
  const a = arrowEndPoint(def, arrow.from)
  const b = arrowEndPoint(def, arrow.to)
  const bend = arrow.bend ?? 0
  const lerp = (t: number) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t })
  if (Math.abs(bend) < 1) return Array.from({ length: samples + 1 }, (_, i) => lerp(i / samples))
  const len = Math.hypot(b.x - a.x, b.y - a.y)
  const u = { x: (b.x - a.x) / len, y: (b.y - a.y) / len }
  // tldraw: middle = med + per(u) * -bend, with per(u) = (u.y, -u.x).
  const c = { x: (a.x + b.x) / 2 + u.y * -bend, y: (a.y + b.y) / 2 - u.x * -bend }
  // Circle through a, b, c.
  const d = 2 * (a.x * (b.y - c.y) + b.x * (c.y - a.y) + c.x * (a.y - b.y))
  const sq = (p: Point) => p.x * p.x + p.y * p.y
  const o = {
    x: (sq(a) * (b.y - c.y) + sq(b) * (c.y - a.y) + sq(c) * (a.y - b.y)) / d,
    y: (sq(a) * (c.x - b.x) + sq(b) * (a.x - c.x) + sq(c) * (b.x - a.x)) / d,
  }
  const r = Math.hypot(a.x - o.x, a.y - o.y)
  const ang = (p: Point) => Math.atan2(p.y - o.y, p.x - o.x)
  const norm = (t: number) => ((t % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)
  const ta = ang(a)
  const sweepB = norm(ang(b) - ta)
  const sweepC = norm(ang(c) - ta)
  // Go from a to b the way that passes through c.
  const sweep = sweepC <= sweepB ? sweepB : sweepB - 2 * Math.PI
  return Array.from({ length: samples + 1 }, (_, i) => {
    const t = ta + (sweep * i) / samples
    return { x: o.x + r * Math.cos(t), y: o.y + r * Math.sin(t) }
  })
}

/** The rectangle an arrow's label covers (tldraw: label font by size, 4.25 padding). */
export function arrowLabelRect(def: TemplateDefinition, arrow: TemplateArrow, lang: Lang): Rect | null {
  const text = arrow.label?.[lang]
  if (!text) return null
  const size = arrow.size ?? 'm'
  const fontSize = { s: 18, m: 20, l: 24, xl: 28 }[size]
  const path = arrowPath(def, arrow, 200)
  const p = path[Math.round((arrow.labelPosition ?? 0.5) * (path.length - 1))]!
  const w = (textWidth(text, 'm') / FONT_SIZE.m) * fontSize + 2 * 4.25
  const h = fontSize * LINE_HEIGHT + 2 * 4.25
  return { x: p.x - w / 2, y: p.y - h / 2, w, h }
}

export function lintTemplate(def: TemplateDefinition, lang: Lang): string[] {
  const problems: string[] = []
  const bounds: Rect = { x: 0, y: 0, w: def.width, h: def.height }
  const inside = (r: Rect) => r.x >= -0.5 && r.y >= -0.5 && r.x + r.w <= def.width + 0.5 && r.y + r.h <= def.height + 0.5
  const byKey = new Map(def.zones.map((z) => [z.key, z]))
  const inks: Ink[] = []

  // Size and legibility.
  if (def.width < 1600 || def.width > 2600) problems.push(`width ${def.width} outside 1600–2600`)
  const zoom = fitZoom(def)
  const sizes = new Set<keyof typeof FONT_SIZE>(['xl', 'm'])
  for (const z of def.zones) {
    sizes.add(z.labelSize ?? 'l')
    if (z.prompt) sizes.add(z.promptSize ?? 'm')
  }
  for (const t of def.texts ?? []) sizes.add(t.size)
  for (const s of sizes) if (FONT_SIZE[s] * zoom < MIN_SCREEN_PX) problems.push(`text size ${s} shows at ${(FONT_SIZE[s] * zoom).toFixed(1)}px when the template fits ${VIEWPORT.w}×${VIEWPORT.h}`)

  // Header.
  const header = headerLayout(def, lang)
  for (const [what, t] of [
    ['title', header.title],
    ['description', header.description],
  ] as const) {
    const ink = inkRect(t)
    inks.push({ what, rect: ink })
    if (ink.y + ink.h > HEADER_HEIGHT - 8) problems.push(`${what} runs below the header (${Math.round(ink.y + ink.h)} > ${HEADER_HEIGHT - 8})`)
  }
  if (measureText(def.title[lang], 'xl', def.width, true).lines.length > 1) problems.push('title wraps')

  // Zones: inside the template, below the header, nested only when declared.
  for (const z of def.zones) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(z.key)) problems.push(`zone key "${z.key}" is not kebab-case`)
    if (!inside(z)) problems.push(`zone ${z.key} ${fmt(z)} leaves the template ${fmt(bounds)}`)
    if (z.y < HEADER_HEIGHT) problems.push(`zone ${z.key} starts in the header`)
    if (z.parent) {
      const parent = byKey.get(z.parent)
      if (!parent) problems.push(`zone ${z.key}: unknown parent ${z.parent}`)
      else if (!zoneInsideZone(z, parent)) problems.push(`zone ${z.key} is not inside its parent ${z.parent}`)
    }
  }
  for (let i = 0; i < def.zones.length; i++) {
    for (let j = i + 1; j < def.zones.length; j++) {
      const a = def.zones[i]!
      const b = def.zones[j]!
      if (ancestors(def, a).has(b.key) || ancestors(def, b).has(a.key)) continue
      if (rectsOverlap(a, b)) problems.push(`zones ${a.key} ${fmt(a)} and ${b.key} ${fmt(b)} overlap without nesting`)
    }
  }

  // Zone texts: inside the zone, clear of nested zones, leaving room for participants.
  for (const z of def.zones) {
    const layout = zoneTextLayout(z, lang)
    const texts: [string, PlacedText][] = [[`label of ${z.key}`, layout.label]]
    if (layout.prompt) texts.push([`prompt of ${z.key}`, layout.prompt])
    if (!z.label.fr.trim() || !z.label.en.trim()) problems.push(`zone ${z.key} has an empty label`)
    for (const [what, t] of texts) {
      const ink = inkRect(t)
      inks.push({ what, rect: ink })
      if (!rectInsideZone(ink, z)) problems.push(`${what} ${fmt(ink)} does not fit in ${fmt(z)} (${t.text})`)
      if (ink.y + ink.h > z.y + z.h - 8) problems.push(`${what} reaches the bottom of the zone`)
      for (const child of descendants(def, z.key)) if (rectTouchesZone(ink, child)) problems.push(`${what} ${fmt(ink)} runs into nested zone ${child.key} ${fmt(child)}`)
    }
    const room = z.room ?? ROOM.note
    if (room > 0 && descendants(def, z.key).length === 0) {
      const b = layout.bounds
      const below = z.y + z.h - (b.y + b.h) - ZONE_PADDING / 2
      const beside = z.x + z.w - (b.x + b.w) - ZONE_PADDING / 2
      const fitsBelow = below >= room && z.w - ZONE_PADDING >= room
      const fitsBeside = beside >= room && z.h - ZONE_PADDING >= room
      if (!fitsBelow && !fitsBeside) problems.push(`zone ${z.key} leaves ${Math.round(Math.max(below, beside))} units for participants, needs ${room}`)
    }
  }

  // Free texts.
  for (const t of def.texts ?? []) {
    const placed = measureText(t.text[lang], t.size, t.w, t.bold ?? false)
    const align = t.align ?? 'start'
    const dx = align === 'start' ? 0 : align === 'middle' ? (t.w - placed.w) / 2 : t.w - placed.w
    const ink = { x: t.x + dx, y: t.y, w: placed.w, h: placed.h }
    inks.push({ what: `text ${t.key}`, rect: ink })
    if (!inside(ink)) problems.push(`text ${t.key} leaves the template`)
    if (t.within) {
      const zone = byKey.get(t.within)
      if (!zone) problems.push(`text ${t.key} is within unknown zone ${t.within}`)
      else {
        if (!rectInsideZone(ink, zone)) problems.push(`text ${t.key} ${fmt(ink)} does not fit in ${t.within} ${fmt(zone)}`)
        for (const child of descendants(def, zone.key)) if (rectTouchesZone(ink, child)) problems.push(`text ${t.key} runs into nested zone ${child.key}`)
      }
    } else {
      for (const z of def.zones) if (rectTouchesZone(ink, z)) problems.push(`text ${t.key} ${fmt(ink)} runs into zone ${z.key}`)
    }
  }

  // No two texts collide.
  for (let i = 0; i < inks.length; i++) {
    for (let j = i + 1; j < inks.length; j++) {
      if (rectsOverlap(inks[i]!.rect, inks[j]!.rect)) problems.push(`${inks[i]!.what} ${fmt(inks[i]!.rect)} overlaps ${inks[j]!.what} ${fmt(inks[j]!.rect)}`)
    }
  }

  // Example notes: inside their zone's free area.
  const notes = (def.notes ?? []).map((n) => ({ n, rect: { x: n.x, y: n.y, w: NOTE_SIZE, h: NOTE_SIZE } }))
  for (const { n, rect } of notes) {
    const zone = byKey.get(n.zone)
    if (!zone) {
      problems.push(`note ${n.key} illustrates unknown zone ${n.zone}`)
      continue
    }
    if (!rectInsideZone(rect, zone)) problems.push(`note ${n.key} ${fmt(rect)} is not inside ${n.zone} ${fmt(zone)}`)
    for (const child of descendants(def, zone.key)) if (rectTouchesZone(rect, child)) problems.push(`note ${n.key} covers nested zone ${child.key}`)
    for (const ink of inks) if (rectsOverlap(rect, ink.rect)) problems.push(`note ${n.key} ${fmt(rect)} covers ${ink.what}`)
    for (const other of notes) if (other.n !== n && rectsOverlap(rect, other.rect)) problems.push(`notes ${n.key} and ${other.n.key} overlap`)
  }

  // Arrows: within the template, not through texts or under notes; labels clear of texts.
  for (const arrow of def.arrows ?? []) {
    let path: Point[]
    try {
      path = arrowPath(def, arrow)
    } catch (e) {
      problems.push(`arrow ${arrow.key}: ${(e as Error).message}`)
      continue
    }
    const label = arrowLabelRect(def, arrow, lang)
    for (const p of path) {
      if (p.x < -1 || p.y < -1 || p.x > def.width + 1 || p.y > def.height + 1) {
        problems.push(`arrow ${arrow.key} leaves the template at (${Math.round(p.x)},${Math.round(p.y)})`)
        break
      }
    }
    for (const ink of inks) {
      const hit = path.find((p) => p.x > ink.rect.x - 2 && p.x < ink.rect.x + ink.rect.w + 2 && p.y > ink.rect.y - 2 && p.y < ink.rect.y + ink.rect.h + 2)
      if (hit) problems.push(`arrow ${arrow.key} runs through ${ink.what} at (${Math.round(hit.x)},${Math.round(hit.y)})`)
      if (label && rectsOverlap(label, ink.rect)) problems.push(`label of arrow ${arrow.key} ${fmt(label)} overlaps ${ink.what}`)
    }
    for (const { n, rect } of notes) if (path.some((p) => p.x > rect.x && p.x < rect.x + rect.w && p.y > rect.y && p.y < rect.y + rect.h)) problems.push(`arrow ${arrow.key} runs under note ${n.key}`)
    if (label && !inside(label)) problems.push(`label of arrow ${arrow.key} leaves the template`)
  }
  return problems
}
