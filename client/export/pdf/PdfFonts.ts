import fontkit from '@pdf-lib/fontkit'
import cyrillicExt400 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-cyrillic-ext-400-normal.woff?url'
import cyrillicExt700 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-cyrillic-ext-700-normal.woff?url'
import cyrillic400 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-cyrillic-400-normal.woff?url'
import cyrillic700 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-cyrillic-700-normal.woff?url'
import greek400 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-greek-400-normal.woff?url'
import greek700 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-greek-700-normal.woff?url'
import latinExt400 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-latin-ext-400-normal.woff?url'
import latinExt700 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-latin-ext-700-normal.woff?url'
import latin400 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-latin-400-normal.woff?url'
import latin700 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-latin-700-normal.woff?url'
import vietnamese400 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-vietnamese-400-normal.woff?url'
import vietnamese700 from '@fontsource/ibm-plex-sans/files/ibm-plex-sans-vietnamese-700-normal.woff?url'
import { popGraphicsState, pushGraphicsState, setTextRenderingMode, TextRenderingMode, type Color, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib'

/**
 * IBM Plex Sans (the canvas's sans-serif, SIL Open Font License) as Fontsource splits it by
 * script, in the order a character is looked for. Bundled with the client and fetched from
 * Fabrique's origin; each is embedded as a subset of the characters used.
 */
const REGULAR = [latin400, latinExt400, vietnamese400, greek400, cyrillic400, cyrillicExt400]
const BOLD = [latin700, latinExt700, vietnamese700, greek700, cyrillic700, cyrillicExt700]

/** Stand-ins for symbols people type in notes that the fonts do not draw. */
const FALLBACKS: Record<string, string> = { '→': '->', '←': '<-', '↔': '<->', '⇒': '=>', '✓': 'v', '✔': 'v', '✗': 'x', '✘': 'x', '★': '*', '☆': '*', '•': '·', '…': '...' }

/** Emoji and their joiners and variation selectors: no text font draws them; the picture shows them. */
const EMOJI = /[\p{Extended_Pictographic}\u200d\ufe0e\ufe0f]|[\u{1f3fb}-\u{1f3ff}]/gu
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** A run of text drawn with one font of a stack. */
interface Run {
  text: string
  font: PDFFont
}

/** One weight of Plex across scripts: measures and draws text, each character in the first font that has it. */
export class FontStack {
  private readonly sets: Set<number>[]

  constructor(private readonly fonts: PDFFont[]) {
    this.sets = fonts.map((f) => new Set(f.getCharacterSet()))
  }

  /** The text as the fonts can draw it: NFC, emoji dropped, missing symbols replaced, tabs as spaces. */
  clean(text: string): string {
    let out = ''
    for (const ch of text.normalize('NFC').replace(EMOJI, '').replace(CONTROL, '').replace(/\t/g, ' ')) {
      const code = ch.codePointAt(0)!
      if (ch === '\n' || this.sets.some((s) => s.has(code))) out += ch
      else out += FALLBACKS[ch] ?? '?'
    }
    return out
  }

  private runs(text: string): Run[] {
    const runs: Run[] = []
    for (const ch of this.clean(text)) {
      const code = ch.codePointAt(0)!
      const font = this.fonts[Math.max(0, this.sets.findIndex((s) => s.has(code)))]!
      const last = runs[runs.length - 1]
      if (last && last.font === font) last.text += ch
      else runs.push({ text: ch, font })
    }
    return runs
  }

  widthOf(text: string, size: number): number {
    return this.runs(text).reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0)
  }

  /** Draws one line with its left end of baseline at (x, y); `invisible` for a searchable text layer over a picture. */
  draw(page: PDFPage, text: string, options: { x: number; y: number; size: number; color?: Color; invisible?: boolean }): void {
    const { size, color, invisible = false } = options
    let x = options.x
    if (invisible) page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible))
    for (const run of this.runs(text)) {
      page.drawText(run.text, { x, y: options.y, size, font: run.font, ...(color && { color }) })
      x += run.font.widthOfTextAtSize(run.text, size)
    }
    if (invisible) page.pushOperators(popGraphicsState())
  }

  /**
   * `text` broken into lines no wider than `width` at `size`: at its own line breaks, between
   * words, and inside a word too long for a line.
   */
  wrap(text: string, width: number, size: number): string[] {
    const lines: string[] = []
    for (const paragraph of this.clean(text).split('\n')) {
      let line = ''
      for (const word of paragraph.split(/ +/)) {
        const candidate = line ? `${line} ${word}` : word
        if (this.widthOf(candidate, size) <= width) {
          line = candidate
          continue
        }
        if (line) lines.push(line)
        line = ''
        let rest = word
        while (this.widthOf(rest, size) > width && rest.length > 1) {
          let cut = rest.length - 1
          while (cut > 1 && this.widthOf(rest.slice(0, cut), size) > width) cut--
          lines.push(rest.slice(0, cut))
          rest = rest.slice(cut)
        }
        line = rest
      }
      lines.push(line)
    }
    return lines
  }
}

/** The regular and bold weights, embedded in `doc`. */
export interface PdfFonts {
  regular: FontStack
  bold: FontStack
}

async function fetchFont(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url, { credentials: 'same-origin' })
  if (!res.ok) throw new Error(`PdfFonts: could not load ${url} (HTTP ${res.status})`)
  return res.arrayBuffer()
}

/** Embeds Plex Sans (regular and bold, every script) in `doc`, as subsets of what gets drawn. */
export async function embedPdfFonts(doc: PDFDocument): Promise<PdfFonts> {
  doc.registerFontkit(fontkit)
  const embed = (urls: string[]) => Promise.all(urls.map(async (url) => doc.embedFont(await fetchFont(url), { subset: true })))
  const [regular, bold] = await Promise.all([embed(REGULAR), embed(BOLD)])
  return { regular: new FontStack(regular), bold: new FontStack(bold) }
}
