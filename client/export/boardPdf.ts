import { PDFDocument, rgb } from 'pdf-lib'
import type { Editor, TLShapeId } from 'tldraw'
import { shapeFontSize } from '../board/camera/zones'
import { exportImage, pixelRatioFor } from './exportImage'
import type { ExportRegion } from './exportRegions'
import { A4, fitInto, type PdfRect } from './pdf/pageGeometry'
import { embedPdfFonts, type FontStack } from './pdf/PdfFonts'
import type { ExportText } from './translator'

const MARGIN = 28
const INK = rgb(0.12, 0.16, 0.2)
const MUTED = rgb(0.38, 0.42, 0.46)
/** tldraw writes a frame's name at about this size, page units. */
const FRAME_NAME_SIZE = 12

export interface BoardPdfInput {
  editor: Editor
  /** One page each, in order. */
  pages: readonly ExportRegion[]
  /** Under each page's title: the lab and the board. */
  heading: string
  date: Date
  text: ExportText
  /** Called before each page is drawn (page index, count). */
  onPage?: (index: number, count: number) => void
}

/** A text of the board to lay over its picture, where it is. */
interface PlacedText {
  text: string
  /** Page-space box. */
  box: { x: number; y: number; w: number; h: number }
  /** Font size on the board, page units. */
  size: number
}

/** The texts drawn inside a region (notes first: what people wrote), with where they are on the page. */
function textsIn(editor: Editor, region: ExportRegion): PlacedText[] {
  const area = region.bounds.clone().expandBy(region.padding)
  const out: PlacedText[] = []
  for (const id of editor.getShapeAndDescendantIds(region.shapeIds)) {
    const shape = editor.getShape(id as TLShapeId)
    if (!shape) continue
    const text = editor.getShapeUtil(shape).getText(shape)?.trim()
    const b = editor.getShapePageBounds(shape)
    if (!text || !b || !area.containsPoint(b.center)) continue
    if (shape.type === 'frame') {
      // A frame's name heads it: the page's title for the region's own frame, a line at its top for a frame inside.
      if (!region.shapeIds.includes(shape.id)) out.push({ text, box: { x: b.x, y: b.y, w: b.w, h: FRAME_NAME_SIZE * 1.4 }, size: FRAME_NAME_SIZE })
      continue
    }
    out.push({ text, box: { x: b.x, y: b.y, w: b.w, h: b.h }, size: shapeFontSize(editor, shape) ?? 22 })
  }
  return out
}

/**
 * Writes `text` invisibly inside `rect` (a searchable, selectable layer over the picture, as
 * scanned documents have): wrapped to the shape's width, at its size on the board, shrunk if
 * it would overflow the shape.
 */
function drawTextLayer(page: ReturnType<PDFDocument['addPage']>, font: FontStack, text: string, rect: PdfRect, size: number): void {
  let s = Math.max(1, size)
  let lines = font.wrap(text, rect.w, s)
  while (s > 1 && lines.length * s * 1.2 > rect.h) {
    s *= 0.85
    lines = font.wrap(text, rect.w, s)
  }
  const top = rect.y + rect.h - (rect.h - lines.length * s * 1.2) / 2
  lines.forEach((line, i) => font.draw(page, line, { x: rect.x, y: top - (i + 1) * s * 1.2 + s * 0.25, size: s, invisible: true }))
}

/**
 * A PDF of a board: one A4 page per region (landscape or portrait, whichever fits its
 * picture), each with its title, the picture as tldraw draws it and, over it, the text of
 * every note and label as real (invisible) text — so a search, a copy or `pdftotext` finds it.
 */
export async function boardPdf({ editor, pages, heading, date, text, onPage }: BoardPdfInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const fonts = await embedPdfFonts(doc)
  doc.setTitle(heading)
  doc.setLanguage(text.lang === 'fr' ? 'fr-FR' : 'en-GB')
  doc.setCreator('Fabrique')
  doc.setProducer('Fabrique')
  doc.setCreationDate(date)
  const day = text.date(date)
  for (const [index, region] of pages.entries()) {
    onPage?.(index, pages.length)
    const image = await exportImage(editor, region, 'png', pixelRatioFor(region))
    const png = await doc.embedPng(await image.blob.arrayBuffer())
    const landscape = image.width >= image.height
    const [pw, ph] = landscape ? [A4.h, A4.w] : [A4.w, A4.h]
    const page = doc.addPage([pw, ph])
    const titleSize = 15
    fonts.bold.draw(page, fonts.bold.wrap(region.title, pw - 2 * MARGIN, titleSize)[0] ?? '', { x: MARGIN, y: ph - MARGIN - titleSize, size: titleSize, color: INK })
    fonts.regular.draw(page, fonts.regular.wrap(`${heading} — ${day}`, pw - 2 * MARGIN, 9)[0] ?? '', { x: MARGIN, y: ph - MARGIN - titleSize - 15, size: 9, color: MUTED })
    const footer = text.t('export.pdf.page', { n: index + 1, total: pages.length })
    fonts.regular.draw(page, footer, { x: pw - MARGIN - fonts.regular.widthOf(footer, 8), y: MARGIN / 2, size: 8, color: MUTED })
    const area: PdfRect = { x: MARGIN, y: MARGIN, w: pw - 2 * MARGIN, h: ph - 2 * MARGIN - titleSize - 26 }
    const placed = fitInto(image.width, image.height, area)
    page.drawImage(png, { x: placed.x, y: placed.y, width: placed.w, height: placed.h })
    // Page units → PDF points: the picture covers bounds grown by padding.
    const origin = { x: region.bounds.x - region.padding, y: region.bounds.y - region.padding }
    const k = placed.w / image.width
    for (const item of textsIn(editor, region)) {
      const rect: PdfRect = {
        x: placed.x + (item.box.x - origin.x) * k,
        y: placed.y + placed.h - (item.box.y - origin.y + item.box.h) * k,
        w: item.box.w * k,
        h: item.box.h * k,
      }
      drawTextLayer(page, fonts.regular, item.text, rect, item.size * k)
    }
  }
  return doc.save()
}
