import { rgb, type Color, type PDFDocument, type PDFImage, type PDFPage } from 'pdf-lib'
import { A4 } from './pageGeometry'
import type { FontStack, PdfFonts } from './PdfFonts'

/** Colours of Fabrique's printed pages: dark ink, a muted grey, the accent (the app's teal). */
export const PDF_COLORS = {
  ink: rgb(0.12, 0.16, 0.2),
  muted: rgb(0.36, 0.4, 0.44),
  accent: rgb(0.12, 0.31, 0.37),
  line: rgb(0.82, 0.85, 0.87),
  tint: rgb(0.93, 0.96, 0.97),
} as const

export interface TextStyle {
  size?: number
  bold?: boolean
  color?: Color
  /** Left indent, points. */
  indent?: number
  /** Space after the paragraph, points. */
  after?: number
  /** Line height as a multiple of the size. */
  leading?: number
}

/**
 * Text and pictures flowing down A4 portrait pages: each block starts where the last ended and
 * moves to a new page when it does not fit (a paragraph may continue on the next page, line by
 * line). Footers are written once the page count is known.
 */
export class PdfFlow {
  readonly margin = 56
  readonly width = A4.w - 2 * 56
  private page: PDFPage | null = null
  private y = 0
  private readonly pages: PDFPage[] = []

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: PdfFonts,
  ) {}

  /** The page being written, started if needed. */
  get current(): PDFPage {
    if (!this.page) this.newPage()
    return this.page!
  }

  /** Distance from the cursor to the bottom margin. */
  get room(): number {
    return this.page ? this.y - this.margin : 0
  }

  /** The cursor's height from the page bottom (for drawing beside the flow). */
  get cursor(): number {
    this.current
    return this.y
  }

  newPage(): PDFPage {
    this.page = this.doc.addPage([A4.w, A4.h])
    this.pages.push(this.page)
    this.y = A4.h - this.margin
    return this.page
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (!this.page || this.room < height) this.newPage()
  }

  space(height: number): void {
    if (this.page) this.y -= height
  }

  /** Moves the cursor down by `height` after drawing something of that height at the cursor. */
  advance(height: number): void {
    this.y -= height
  }

  private font(style: TextStyle): FontStack {
    return style.bold ? this.fonts.bold : this.fonts.regular
  }

  /** Lines `text` would take at `style` within the flow's width (less its indent). */
  lines(text: string, style: TextStyle = {}): string[] {
    return this.font(style).wrap(text, this.width - (style.indent ?? 0), style.size ?? 10)
  }

  /** Height `text` would take. */
  measure(text: string, style: TextStyle = {}): number {
    const size = style.size ?? 10
    return this.lines(text, style).length * size * (style.leading ?? 1.35) + (style.after ?? 0)
  }

  /** A paragraph, wrapped to the width; continues on the next page when it runs out of room. */
  text(text: string, style: TextStyle = {}): void {
    const size = style.size ?? 10
    const lineHeight = size * (style.leading ?? 1.35)
    const font = this.font(style)
    for (const line of this.lines(text, style)) {
      this.ensure(lineHeight)
      font.draw(this.current, line, { x: this.margin + (style.indent ?? 0), y: this.y - size, size, color: style.color ?? PDF_COLORS.ink })
      this.y -= lineHeight
    }
    this.y -= style.after ?? 0
  }

  /** A heading kept with at least `keep` points of what follows it. */
  heading(text: string, level: 1 | 2 | 3, keep = 40): void {
    const size = level === 1 ? 20 : level === 2 ? 14 : 11.5
    const before = level === 1 ? 0 : level === 2 ? 14 : 8
    const style: TextStyle = { size, bold: true, color: level === 3 ? PDF_COLORS.ink : PDF_COLORS.accent, leading: 1.25, after: level === 1 ? 10 : 5 }
    if (this.page && this.room < this.measure(text, style) + before + keep) this.newPage()
    else this.space(before)
    this.text(text, style)
  }

  /** A line of text with a marker drawn to its left (a bullet, a state square, a rank). */
  item(text: string, style: TextStyle, marker: (page: PDFPage, x: number, baseline: number, size: number) => void): void {
    const size = style.size ?? 10
    const lines = this.lines(text, style)
    this.ensure(Math.min(lines.length, 2) * size * (style.leading ?? 1.35))
    marker(this.current, this.margin + (style.indent ?? 0) - 12, this.y - size, size)
    this.text(text, style)
  }

  /** A thin horizontal rule across the flow. */
  rule(after = 10): void {
    this.ensure(after + 1)
    this.current.drawLine({ start: { x: this.margin, y: this.y }, end: { x: this.margin + this.width, y: this.y }, thickness: 0.6, color: PDF_COLORS.line })
    this.y -= after
  }

  /** A picture as wide as the flow at most, and at most `maxHeight` tall, centred, framed by a hairline. */
  image(image: PDFImage, width: number, height: number, maxHeight: number): void {
    const k = Math.min(this.width / width, maxHeight / height)
    const w = width * k
    const h = height * k
    this.ensure(h + 8)
    const x = this.margin + (this.width - w) / 2
    this.current.drawImage(image, { x, y: this.y - h, width: w, height: h })
    this.current.drawRectangle({ x, y: this.y - h, width: w, height: h, borderColor: PDF_COLORS.line, borderWidth: 0.6 })
    this.y -= h + 10
  }

  /**
   * A landscape page holding one wide picture under a title (a wide board printed across the
   * page's long side is 1.4 times larger); the flow goes on on a new portrait page.
   */
  landscapeImage(title: string, subtitle: string, image: PDFImage, width: number, height: number): void {
    const page = this.doc.addPage([A4.h, A4.w])
    this.pages.push(page)
    this.page = null
    const titleSize = 16
    const top = A4.w - this.margin
    this.fonts.bold.draw(page, this.fonts.bold.wrap(title, A4.h - 2 * this.margin, titleSize)[0] ?? '', { x: this.margin, y: top - titleSize, size: titleSize, color: PDF_COLORS.accent })
    this.fonts.regular.draw(page, this.fonts.regular.wrap(subtitle, A4.h - 2 * this.margin, 9.5)[0] ?? '', { x: this.margin, y: top - titleSize - 16, size: 9.5, color: PDF_COLORS.muted })
    const area = { x: this.margin, y: this.margin, w: A4.h - 2 * this.margin, h: A4.w - 2 * this.margin - titleSize - 30 }
    const k = Math.min(area.w / width, area.h / height)
    const [w, h] = [width * k, height * k]
    const x = area.x + (area.w - w) / 2
    const y = area.y + area.h - h
    page.drawImage(image, { x, y, width: w, height: h })
    page.drawRectangle({ x, y, width: w, height: h, borderColor: PDF_COLORS.line, borderWidth: 0.6 })
  }

  /** Writes `footer(n, total)` at the bottom of every page, and the page number on the right. */
  finish(footer: (n: number, total: number) => { left: string; right: string }): void {
    const size = 8
    this.pages.forEach((page, i) => {
      const { left, right } = footer(i + 1, this.pages.length)
      const y = this.margin / 2
      const width = page.getWidth() - 2 * this.margin
      this.fonts.regular.draw(page, this.fonts.regular.wrap(left, width * 0.75, size)[0] ?? '', { x: this.margin, y, size, color: PDF_COLORS.muted })
      this.fonts.regular.draw(page, right, { x: this.margin + width - this.fonts.regular.widthOf(right, size), y, size, color: PDF_COLORS.muted })
    })
  }
}
