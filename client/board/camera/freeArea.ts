/**
 * The part of the screen no panel covers, measured from the DOM.
 *
 * tldraw's UI is a layer of containers that let pointer events through (`pointer-events: none`)
 * holding panels that catch them: the menu, the top panel (Fabrique's board bar), the style
 * panel, the toolbar, the navigation panel. Their bounding rects are what covers the canvas.
 * All rectangles here are in the canvas container's coordinates (CSS px, origin at its top-left).
 */

export interface ScreenRect {
  x: number
  y: number
  w: number
  h: number
}

/** Panels measured as one rectangle each (their parts may let pointer events through). */
export const PANEL_SELECTORS = [
  '.tlui-menu-zone',
  '.tlui-helper-buttons',
  '.tlui-layout__top__center > *',
  '.tlui-share-zone',
  '.tlui-style-panel__wrapper',
  '.tlui-navigation-panel',
  '.tlui-main-toolbar__inner',
  '.tlui-debug-panel',
  '.tl-watermark_SEE-LICENSE',
  '.fab-zone-nav',
  '.fab-workshop-strip',
] as const

/** Space kept between a panel and what the camera frames. */
export const PANEL_GAP = 8

/** Rectangles of every visible panel over the canvas `container`. */
export function measurePanels(container: HTMLElement): ScreenRect[] {
  const origin = container.getBoundingClientRect()
  const rects: ScreenRect[] = []
  const known: Element[] = []
  const add = (el: Element) => {
    const r = el.getBoundingClientRect()
    if (r.width < 1 || r.height < 1) return
    const style = getComputedStyle(el)
    if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) return
    rects.push({ x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height })
  }
  for (const selector of PANEL_SELECTORS) {
    for (const el of container.querySelectorAll(selector)) {
      known.push(el)
      add(el)
    }
  }
  // Anything else of tldraw's UI that catches the pointer (a toast, a panel of a newer version).
  const layout = container.querySelector('.tlui-layout')
  if (layout) {
    for (const el of layout.querySelectorAll('*')) {
      if (known.some((k) => k.contains(el))) continue
      const parent = el.parentElement
      if (!parent || getComputedStyle(el).pointerEvents === 'none' || getComputedStyle(parent).pointerEvents !== 'none') continue
      add(el)
    }
  }
  return rects
}

function overlaps(a: ScreenRect, b: ScreenRect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/**
 * The free rectangles of a `width` × `height` screen around `panels` (each grown by `gap`):
 * every rectangle whose sides lie on the screen's edges or the panels' edges and that meets no
 * panel, keeping only maximal ones.
 */
export function freeRects(width: number, height: number, panels: readonly ScreenRect[], gap = PANEL_GAP): ScreenRect[] {
  const grown = panels
    .map((p) => ({ x: p.x - gap, y: p.y - gap, w: p.w + 2 * gap, h: p.h + 2 * gap }))
    .filter((p) => p.x < width && p.y < height && p.x + p.w > 0 && p.y + p.h > 0)
  const lefts = [0, ...grown.map((p) => p.x + p.w)].filter((v) => v >= 0 && v < width)
  const rights = [width, ...grown.map((p) => p.x)].filter((v) => v > 0 && v <= width)
  const tops = [0, ...grown.map((p) => p.y + p.h)].filter((v) => v >= 0 && v < height)
  const bottoms = [height, ...grown.map((p) => p.y)].filter((v) => v > 0 && v <= height)
  const found: ScreenRect[] = []
  for (const x of new Set(lefts))
    for (const r of new Set(rights)) {
      if (r - x < 40) continue
      for (const y of new Set(tops))
        for (const b of new Set(bottoms)) {
          if (b - y < 40) continue
          const rect = { x, y, w: r - x, h: b - y }
          if (!grown.some((p) => overlaps(p, rect))) found.push(rect)
        }
    }
  const inside = (a: ScreenRect, b: ScreenRect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h
  const maximal = found.filter((a) => !found.some((b) => b !== a && inside(a, b) && (b.w > a.w || b.h > a.h)))
  return maximal.length ? maximal : [{ x: 0, y: 0, w: width, h: height }]
}
