import type { Editor } from 'tldraw'
import type { ExportRegion } from './exportRegions'

export interface ExportedImage {
  blob: Blob
  /** Size in CSS pixels (page units × scale); a PNG has `pixelRatio` times more pixels. */
  width: number
  height: number
}

/**
 * A region drawn by tldraw's own exporter, as on the canvas but always light (a printed page
 * is white): exactly `bounds` grown by `padding`. tldraw embeds the fonts in the picture from
 * the URLs the canvas loaded them from — Fabrique's origin — so nothing is fetched elsewhere.
 */
export async function exportImage(editor: Editor, region: ExportRegion, format: 'png' | 'svg', pixelRatio = 2): Promise<ExportedImage> {
  const { blob, width, height } = await editor.toImage(region.shapeIds, {
    format,
    bounds: region.bounds,
    padding: region.padding,
    background: true,
    darkMode: false,
    scale: 1,
    ...(format === 'png' && { pixelRatio }),
  })
  return { blob, width, height }
}

/**
 * A pixel ratio that draws a region about `targetPx` pixels on its long side (sharp on an A4
 * page printed at ~200 dpi), between 0.5 and 3.
 */
export function pixelRatioFor(region: ExportRegion, targetPx = 2400): number {
  const long = Math.max(region.bounds.w, region.bounds.h) + 2 * region.padding
  return Math.min(3, Math.max(0.5, targetPx / long))
}
