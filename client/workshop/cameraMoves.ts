import { Box, type Editor, type TLShapeId } from 'tldraw'
import type { BringTarget } from '../../shared/workshop/follow'
import { fitCamera, followCamera, freeArea, moveCamera } from '../board/camera/framing'
import { goToZone } from '../board/camera/navigation'
import { findZones } from '../board/camera/zones'

/** Space around a single shape shown, page units. */
const AROUND_SHAPE = 60

/** Shows one shape (a note of the results), whole, in the part of the screen panels leave free. */
export function showShape(editor: Editor, id: string): void {
  const bounds = editor.getShapePageBounds(id as TLShapeId)
  if (!bounds) return
  moveCamera(editor, fitCamera(bounds.clone().expandBy(AROUND_SHAPE), freeArea(editor), 0))
}

/**
 * Takes this person's camera where a facilitator brings everyone: a zone of the board framed
 * legibly (as the zone bar would), or the facilitator's view — all of it when it reads here, else
 * the zone at its centre. Animated unless the person prefers reduced motion. False when the
 * target is not on this board.
 */
export function bringTo(editor: Editor, target: BringTarget): boolean {
  const zones = findZones(editor)
  if (target.kind === 'shape') {
    const zone = zones.find((z) => z.id === target.shapeId)
    if (zone) {
      goToZone(editor, zone)
      return true
    }
    const bounds = editor.getShapePageBounds(target.shapeId as TLShapeId)
    if (!bounds) return false
    moveCamera(editor, fitCamera(bounds, freeArea(editor), 0))
    return true
  }
  const view = new Box(target.x, target.y, target.w, target.h)
  const { camera, zone } = followCamera(zones, view, freeArea(editor))
  if (zone) goToZone(editor, zone)
  else moveCamera(editor, camera)
  return true
}
