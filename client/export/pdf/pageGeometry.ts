/** A4 in PDF points (1/72 inch). */
export const A4 = { w: 595.28, h: 841.89 } as const

/** A rectangle in PDF coordinates: origin at the bottom left, y up. */
export interface PdfRect {
  x: number
  y: number
  w: number
  h: number
}

/** The largest rectangle of `w`×`h`'s proportions that fits in `area`, centred in it. */
export function fitInto(w: number, h: number, area: PdfRect): PdfRect {
  const k = Math.min(area.w / w, area.h / h)
  const fw = w * k
  const fh = h * k
  return { x: area.x + (area.w - fw) / 2, y: area.y + (area.h - fh) / 2, w: fw, h: fh }
}
