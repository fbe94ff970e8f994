import { Box, type Editor, type TLFrameShape, type TLShapeId } from 'tldraw'
import { readingOrder } from '../board/camera/zones'
import type { Translate } from './translator'

/**
 * A part of the board to draw as one picture (a PNG, an SVG, a PDF page): which shapes, and
 * the page area the picture covers — `bounds` grown by `padding` on every side.
 */
export interface ExportRegion {
  title: string
  shapeIds: TLShapeId[]
  bounds: Box
  padding: number
}

/** What a person can export: the board, one of its zones (a frame or a template zone), the selection. */
export type ExportScope = { kind: 'board' } | { kind: 'zone'; id: TLShapeId } | { kind: 'selection' }

/** Margin around the whole board or a selection, in page units (a frame is drawn edge to edge). */
export const BOARD_PADDING = 32
const ZONE_PADDING = 16

/** Everything on the current page, or null when it is empty. */
export function boardRegion(editor: Editor, title: string): ExportRegion | null {
  const shapeIds = editor.getSortedChildIdsForParent(editor.getCurrentPageId())
  const bounds = editor.getCurrentPageBounds()
  return shapeIds.length && bounds ? { title, shapeIds, bounds, padding: BOARD_PADDING } : null
}

/**
 * A frame (its content, clipped to it, as tldraw exports frames) or a template zone (what lies
 * over it, cut at its edge with a small margin so its border shows).
 */
export function zoneRegion(editor: Editor, id: TLShapeId, title: string): ExportRegion | null {
  const shape = editor.getShape(id)
  const bounds = shape && editor.getShapePageBounds(shape)
  if (!shape || !bounds) return null
  if (shape.type === 'frame') return { title: title || (shape as TLFrameShape).props.name, shapeIds: [id], bounds, padding: 0 }
  const area = bounds.clone().expandBy(ZONE_PADDING)
  const shapeIds = editor.getSortedChildIdsForParent(editor.getCurrentPageId()).filter((child) => {
    const b = editor.getShapePageBounds(child)
    return !!b && area.collides(b)
  })
  return { title, shapeIds, bounds, padding: ZONE_PADDING }
}

/** The selected shapes, or null when nothing is selected. */
export function selectionRegion(editor: Editor, title: string): ExportRegion | null {
  const shapeIds = editor.getSelectedShapeIds()
  const bounds = editor.getSelectionPageBounds()
  return shapeIds.length && bounds ? { title, shapeIds: [...shapeIds], bounds, padding: BOARD_PADDING } : null
}

/** The tldraw frames drawn directly on the current page, in reading order. */
export function topLevelFrames(editor: Editor): TLFrameShape[] {
  const frames = editor.getSortedChildIdsForParent(editor.getCurrentPageId()).map((id) => editor.getShape(id)).filter((s): s is TLFrameShape => s?.type === 'frame')
  return readingOrder(frames.map((frame) => ({ frame, bounds: editor.getShapePageBounds(frame)! })).filter((f) => f.bounds)).map((f) => f.frame)
}

/**
 * The pages of a board's PDF: one per tldraw frame when the board has frames, plus one for
 * whatever lies outside them (so nothing is left out); the whole board on one page otherwise.
 * Template zones are not pages: a template is one picture (its arrows, rings and axes run
 * across zones), and each zone can be exported alone.
 */
export function boardPages(editor: Editor, boardTitle: string, t: Translate): ExportRegion[] {
  const frames = topLevelFrames(editor)
  if (frames.length === 0) {
    const whole = boardRegion(editor, boardTitle)
    return whole ? [whole] : []
  }
  const pages = frames.map((frame, i) => zoneRegion(editor, frame.id, frame.props.name.trim() || t('export.pdf.frameNumber', { n: i + 1 }))).filter((r): r is ExportRegion => r !== null)
  const frameBounds = frames.map((f) => editor.getShapePageBounds(f)!)
  const outside = editor.getSortedChildIdsForParent(editor.getCurrentPageId()).filter((id) => {
    const shape = editor.getShape(id)
    const b = editor.getShapePageBounds(id)
    return shape?.type !== 'frame' && !!b && !frameBounds.some((f) => f.contains(b))
  })
  if (outside.length) {
    const bounds = Box.Common(outside.map((id) => editor.getShapePageBounds(id)!))
    pages.push({ title: t('export.pdf.outsideFrames'), shapeIds: outside, bounds, padding: BOARD_PADDING })
  }
  return pages
}

/** The region a scope stands for, or null when there is nothing there (an empty board, no selection). */
export function regionOf(editor: Editor, scope: ExportScope, names: { board: string; zone?: string; selection: string }): ExportRegion | null {
  switch (scope.kind) {
    case 'board':
      return boardRegion(editor, names.board)
    case 'zone':
      return zoneRegion(editor, scope.id, names.zone ?? '')
    case 'selection':
      return selectionRegion(editor, names.selection)
  }
}

/** The notes a region holds: descendants of its shapes whose centre is inside it. */
export function notesIn(editor: Editor, region: ExportRegion): Set<TLShapeId> {
  const area = region.bounds.clone().expandBy(region.padding)
  const ids = new Set<TLShapeId>()
  for (const id of editor.getShapeAndDescendantIds(region.shapeIds)) {
    const shape = editor.getShape(id)
    const b = shape?.type === 'note' ? editor.getShapePageBounds(shape) : null
    if (b && area.containsPoint(b.center)) ids.add(id)
  }
  return ids
}
