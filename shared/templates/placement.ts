import type { Point, Rect, TemplateDefinition } from './types'

/** Empty space kept between a new template and existing content. */
export const TEMPLATE_MARGIN = 80

/** The page area a template covers when its top-left corner is at `origin`. */
export function templateBounds(def: Pick<TemplateDefinition, 'width' | 'height'>, origin: Point = { x: 0, y: 0 }): Rect {
  return { x: origin.x, y: origin.y, w: def.width, h: def.height }
}

function overlapsAny(r: Rect, existing: readonly Rect[], margin: number): boolean {
  return existing.some((b) => r.x < b.x + b.w + margin && b.x < r.x + r.w + margin && r.y < b.y + b.h + margin && b.y < r.y + r.h + margin)
}

/**
 * Where to put a template of `size` so that it overlaps no existing content (kept `margin`
 * apart): centred on the viewport if that is free, else the nearest free spot on a grid around
 * it (ties go right, then down), else to the right of all content.
 * Returns the template's top-left corner, in whole page units.
 */
export function findFreeOrigin(existing: readonly Rect[], viewportCenter: Point, size: { w: number; h: number }, margin = TEMPLATE_MARGIN): Point {
  const content = existing.filter((b) => Number.isFinite(b.x) && Number.isFinite(b.y) && Number.isFinite(b.w) && Number.isFinite(b.h))
  const start = { x: Math.round(viewportCenter.x - size.w / 2), y: Math.round(viewportCenter.y - size.h / 2) }
  const fits = (p: Point) => !overlapsAny({ x: p.x, y: p.y, w: size.w, h: size.h }, content, margin)
  if (fits(start)) return start

  const step = Math.max(100, Math.round(Math.min(size.w, size.h) / 4))
  const RINGS = 40
  const candidates: { p: Point; d: number; i: number; j: number }[] = []
  for (let i = -RINGS; i <= RINGS; i++) {
    for (let j = -RINGS; j <= RINGS; j++) {
      if (i !== 0 || j !== 0) candidates.push({ p: { x: start.x + i * step, y: start.y + j * step }, d: Math.hypot(i, j), i, j })
    }
  }
  // Nearest first; on a tie prefer the right, then below, as people read.
  candidates.sort((a, b) => a.d - b.d || b.i - a.i || b.j - a.j)
  const free = candidates.find((c) => fits(c.p))
  if (free) return free.p
  const right = Math.max(...content.map((b) => b.x + b.w))
  return { x: Math.round(right + margin + 1), y: start.y }
}
