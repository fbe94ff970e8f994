import { Box, type Editor, type TLShape, type TLShapeId } from 'tldraw'
import { findZones } from '../board/camera/zones'

/**
 * What the workshop tools need to know of the board's shapes: notes and their text, the zones
 * people can be taken to or vote in, and where a shape is on the screen.
 */

export function isNote(shape: TLShape | undefined): boolean {
  return shape?.type === 'note'
}

/** A note's text on one line (or '' when it has none). */
export function noteText(editor: Editor, id: string): string {
  const shape = editor.getShape(id as TLShapeId)
  if (!shape) return ''
  return (editor.getShapeUtil(shape).getText(shape) ?? '').replace(/\s+/g, ' ').trim()
}

/** A zone of the board people can be taken to, or vote in. */
export interface PickableZone {
  id: TLShapeId
  name: string
  /** A tldraw frame (its notes are its children), else a template zone (its notes lie over it). */
  frame: boolean
  bounds: Box
}

/** The board's zones in reading order: tldraw frames and template zones, each with a name. */
export function pickableZones(editor: Editor): PickableZone[] {
  return findZones(editor, false).map((zone) => ({
    id: zone.id,
    name: zone.name,
    frame: editor.getShape(zone.id)?.type === 'frame',
    bounds: zone.bounds,
  }))
}

/** The notes of the current page lying in `zone` (children of a frame, or centred over a zone). */
export function notesInZone(editor: Editor, zone: PickableZone): TLShapeId[] {
  return editor
    .getCurrentPageShapes()
    .filter((shape) => {
      if (shape.type !== 'note') return false
      if (zone.frame && editor.hasAncestor(shape, zone.id)) return true
      const bounds = editor.getShapePageBounds(shape)
      return !!bounds && zone.bounds.containsPoint(bounds.center)
    })
    .map((shape) => shape.id)
}

/** Every note on the current page. */
export function notesOnPage(editor: Editor): TLShapeId[] {
  return editor
    .getCurrentPageShapes()
    .filter((shape) => shape.type === 'note')
    .map((shape) => shape.id)
}

/** The selected notes (and notes inside selected frames and groups). */
export function selectedNotes(editor: Editor): TLShapeId[] {
  const ids = new Set<TLShapeId>()
  for (const id of editor.getSelectedShapeIds()) {
    const shape = editor.getShape(id)
    if (isNote(shape)) ids.add(id)
    for (const child of editor.getSortedChildIdsForParent(id)) if (isNote(editor.getShape(child))) ids.add(child)
  }
  return [...ids]
}

/** A rectangle in the canvas container's coordinates (CSS px). */
export interface ScreenBox {
  x: number
  y: number
  w: number
  h: number
}

/** Where a shape is on screen (container coordinates), or null when it is not on this page or off screen. */
export function shapeOnScreen(editor: Editor, id: string, viewport: Box = editor.getViewportPageBounds()): ScreenBox | null {
  const shape = editor.getShape(id as TLShapeId)
  if (!shape || editor.getAncestorPageId(shape) !== editor.getCurrentPageId()) return null
  const bounds = editor.getShapePageBounds(shape)
  if (!bounds || !viewport.collides(bounds)) return null
  const topLeft = editor.pageToViewport({ x: bounds.minX, y: bounds.minY })
  const bottomRight = editor.pageToViewport({ x: bounds.maxX, y: bounds.maxY })
  return { x: topLeft.x, y: topLeft.y, w: bottomRight.x - topLeft.x, h: bottomRight.y - topLeft.y }
}

/** The part of the page this person sees clear of panels (the largest free area), to bring others to. */
export function visiblePageBounds(editor: Editor, freeRects: readonly ScreenBox[]): Box {
  const screen = editor.getViewportScreenBounds()
  const largest = [...freeRects].sort((a, b) => b.w * b.h - a.w * a.h)[0]
  if (!largest) return editor.getViewportPageBounds()
  const topLeft = editor.screenToPage({ x: screen.x + largest.x, y: screen.y + largest.y })
  const bottomRight = editor.screenToPage({ x: screen.x + largest.x + largest.w, y: screen.y + largest.y + largest.h })
  return Box.FromPoints([topLeft, bottomRight])
}
