import { Box, type Editor, type TLCameraMoveOptions } from 'tldraw'
import { freeRects, measurePanels, type ScreenRect } from './freeArea'
import { NOTE_FONT_SIZE, type BoardZone } from './zones'

/**
 * Where the camera goes: a zone framed legibly, or everything, in the part of the screen the
 * panels leave free, never past 100 %.
 */

/** Smallest text size on screen that people can read, CSS px. */
export const LEGIBLE_PX = 12

/** Space between what is framed and the free area's edges, screen px. */
const INSET = 12

/** A camera move's duration when motion is welcome. */
const ANIMATION_MS = 320

export interface Camera {
  x: number
  y: number
  z: number
}

/** The zoom at which text of `fontSize` page units shows at LEGIBLE_PX. */
export function legibleZoom(fontSize: number): number {
  // Rounded up, so that rounding on screen never makes it 11.99 px.
  return Math.ceil((LEGIBLE_PX / fontSize) * 1000) / 1000
}

/** The free rectangles of the editor's viewport, measured now. */
export function freeArea(editor: Editor): ScreenRect[] {
  const screen = editor.getViewportScreenBounds()
  return freeRects(screen.w, screen.h, measurePanels(editor.getContainer()))
}

/** How a target is shown in one free rectangle. */
interface Placement {
  camera: Camera
  /** Screen area of the target that is visible. */
  visible: number
}

/**
 * Shows `target` in `free`: whole when it fits at a zoom of at least `minZoom`, centred; otherwise
 * at `minZoom`, its top-left part. Never past 100 %.
 */
function place(target: Box, free: ScreenRect, minZoom: number): Placement {
  const w = Math.max(free.w - 2 * INSET, 20)
  const h = Math.max(free.h - 2 * INSET, 20)
  const fit = Math.min(w / target.w, h / target.h)
  const z = Math.min(1, Math.max(fit, minZoom))
  const left = free.x + INSET
  const top = free.y + INSET
  // Whole: centred. In part: from its top-left corner, where reading starts.
  const whole = target.w * z <= w + 0.5 && target.h * z <= h + 0.5
  const x = whole ? left + (w - target.w * z) / 2 : left
  const y = whole ? top + (h - target.h * z) / 2 : top
  return {
    camera: { x: x / z - target.x, y: y / z - target.y, z },
    visible: Math.min(target.w * z, w) * Math.min(target.h * z, h),
  }
}

/** The camera showing `target` as large as the free rectangles allow (at least `minZoom`, at most 100 %). */
export function fitCamera(target: Box, areas: readonly ScreenRect[], minZoom = 0): Camera {
  let chosen: Placement | null = null
  for (const free of areas) {
    const p = place(target, free, minZoom)
    if (!chosen || p.visible > chosen.visible + 0.5) chosen = p
  }
  return chosen!.camera
}

/** The camera showing a zone: the whole zone if it is legible so, else its top-left part at a legible zoom. */
export function zoneCamera(zone: BoardZone, areas: readonly ScreenRect[]): Camera {
  return fitCamera(zone.bounds, areas, legibleZoom(zone.minFontSize))
}

/** The camera showing everything on the page (as large as fits, never past 100 %). */
export function overviewCamera(editor: Editor, areas: readonly ScreenRect[]): Camera | null {
  const bounds = editor.getCurrentPageBounds()
  if (!bounds) return null
  return fitCamera(bounds, areas, 0)
}

/** The zoom at which text of every zone is legible (a new note's text on a board without zones). */
export function boardLegibleZoom(zones: readonly BoardZone[]): number {
  return legibleZoom(Math.min(NOTE_FONT_SIZE, ...zones.map((z) => z.minFontSize)))
}

/**
 * The camera a board opens with: everything when it all fits legibly, else its first zone — or,
 * on a board without zones (many notes on a blank board), the top-left part of its content at a
 * legible zoom.
 */
export function openingCamera(editor: Editor, zones: readonly BoardZone[], areas: readonly ScreenRect[]): { camera: Camera; zone: BoardZone | null } | null {
  const overview = overviewCamera(editor, areas)
  if (!overview) return null
  const zone = zones[0] ?? null
  const legible = Math.min(1, boardLegibleZoom(zones))
  if (overview.z >= legible - 1e-6) return { camera: overview, zone: null }
  if (!zone) return { camera: fitCamera(editor.getCurrentPageBounds()!, areas, legible), zone: null }
  return { camera: zoneCamera(zone, areas), zone }
}

/**
 * The camera showing what someone else sees (`view`, page units): all of it when it is legible
 * here, else the zone at its centre (or the zone it shows most of), legibly.
 */
export function followCamera(zones: readonly BoardZone[], view: Box, areas: readonly ScreenRect[]): { camera: Camera; zone: BoardZone | null } {
  const whole = fitCamera(view, areas, 0)
  if (whole.z >= Math.min(1, boardLegibleZoom(zones)) - 1e-6 || !zones.length) return { camera: whole, zone: null }
  let zone = zones.find((z) => z.bounds.containsPoint(view.center))
  if (!zone) {
    let most = 0
    for (const z of zones) {
      const w = Math.min(view.maxX, z.bounds.maxX) - Math.max(view.minX, z.bounds.minX)
      const h = Math.min(view.maxY, z.bounds.maxY) - Math.max(view.minY, z.bounds.minY)
      if (w > 0 && h > 0 && w * h > most) {
        most = w * h
        zone = z
      }
    }
  }
  zone ??= zones[0]!
  return { camera: zoneCamera(zone, areas), zone }
}

/** Does the person ask for less motion (their system setting)? */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches
}

/**
 * Moves the camera, briefly animated unless the person prefers reduced motion (or `animate` is
 * false). Returns the animation's duration (0 when it jumps).
 */
export function moveCamera(editor: Editor, camera: Camera, animate = true): number {
  const duration = animate && !prefersReducedMotion() && editor.user.getAnimationSpeed() > 0 ? ANIMATION_MS / editor.user.getAnimationSpeed() : 0
  const opts: TLCameraMoveOptions | undefined = duration ? { animation: { duration: ANIMATION_MS } } : undefined
  editor.setCamera(camera, opts)
  return duration
}

/** Are two cameras the same view (to tell whether the person moved it since)? */
export function sameCamera(a: Camera | null, b: Camera): boolean {
  if (!a) return false
  return Math.abs(a.z - b.z) < 1e-3 && Math.abs(a.x - b.x) * b.z < 2 && Math.abs(a.y - b.y) * b.z < 2
}

/** The zone the viewport shows most of (by visible area), or -1 when it shows none. */
export function zoneInView(editor: Editor, zones: readonly BoardZone[]): number {
  const view = editor.getViewportPageBounds()
  let bestIndex = -1
  let bestArea = 0
  zones.forEach((z, i) => {
    const w = Math.min(view.maxX, z.bounds.maxX) - Math.max(view.minX, z.bounds.minX)
    const h = Math.min(view.maxY, z.bounds.maxY) - Math.max(view.minY, z.bounds.minY)
    if (w > 0 && h > 0 && w * h > bestArea) {
      bestArea = w * h
      bestIndex = i
    }
  })
  return bestIndex
}
