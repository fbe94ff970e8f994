import type { Box, Editor, TLFrameShape, TLShape, TLShapeId } from 'tldraw'
import { getTemplate } from '../../shared/templates/catalogue'
import { findZones, readingOrder } from '../board/camera/zones'

/** An area of the board notes can lie in: a tldraw frame or a template zone (nested ones too). */
export interface ZoneArea {
  id: TLShapeId
  name: string
  bounds: Box
  frame: boolean
  /** Position of its top-level zone in the board's reading order (nested zones follow their parent). */
  order: number
}

type Meta = Record<string, unknown>
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const metaOf = (shape: TLShape): Meta => (shape.meta ?? {}) as Meta

/**
 * Every zone of the current page with the name the board shows for it (a zone's label, a
 * frame's name), in reading order: top-level zones as people navigate them, each followed by
 * the zones nested in it.
 */
export function zoneAreas(editor: Editor): ZoneArea[] {
  const shapes = editor.getCurrentPageShapes()
  const labels = new Map<string, string>()
  for (const shape of shapes) {
    const meta = metaOf(shape)
    if (meta.part !== 'label') continue
    const text = editor.getShapeUtil(shape).getText(shape)?.replace(/\s+/g, ' ').trim()
    if (text) labels.set(`${str(meta.insertion)}/${str(meta.zone)}`, text)
  }
  const areas: Omit<ZoneArea, 'order'>[] = []
  for (const shape of shapes) {
    const bounds = editor.getShapePageBounds(shape)
    if (!bounds || bounds.w <= 0 || bounds.h <= 0) continue
    if (shape.type === 'frame') {
      areas.push({ id: shape.id, name: (shape as TLFrameShape).props.name.trim(), bounds, frame: true })
      continue
    }
    const meta = metaOf(shape)
    const zone = str(meta.zone)
    if (meta.part !== 'zone' || !zone) continue
    const fromDefinition = getTemplate(str(meta.template) ?? '')?.zones.find((z) => z.key === zone)?.label
    const name = labels.get(`${str(meta.insertion)}/${zone}`) ?? fromDefinition?.fr ?? ''
    areas.push({ id: shape.id, name, bounds, frame: false })
  }
  const top = findZones(editor, false)
  const topIndex = new Map(top.map((z, i) => [z.id, i]))
  const outermost = (area: Omit<ZoneArea, 'order'>): number => {
    const direct = topIndex.get(area.id)
    if (direct !== undefined) return direct
    const parent = top.findIndex((z) => z.bounds.contains(area.bounds))
    return parent >= 0 ? parent : top.length
  }
  const withOrder = areas.map((a) => ({ ...a, order: outermost(a) }))
  // Within one top-level zone: the parent first (largest), then nested zones in reading order.
  const groups = new Map<number, ZoneArea[]>()
  for (const area of withOrder) groups.set(area.order, [...(groups.get(area.order) ?? []), area])
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .flatMap((order) => {
      const members = groups.get(order)!
      const biggest = [...members].sort((a, b) => b.bounds.w * b.bounds.h - a.bounds.w * a.bounds.h)[0]!
      return [biggest, ...readingOrder(members.filter((m) => m !== biggest))]
    })
}

/**
 * The zones a shape lies in, outermost first: frames it is inside (its ancestors), template
 * zones its centre is over.
 */
export function zonesOf(editor: Editor, shape: TLShape, areas: readonly ZoneArea[]): ZoneArea[] {
  const bounds = editor.getShapePageBounds(shape)
  if (!bounds) return []
  const center = bounds.center
  return areas
    .filter((area) => area.id !== shape.id && (area.frame ? editor.hasAncestor(shape, area.id) : area.bounds.containsPoint(center)))
    .sort((a, b) => b.bounds.w * b.bounds.h - a.bounds.w * a.bounds.h)
}
