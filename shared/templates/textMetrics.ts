import type { TextSize } from './types'

/**
 * Estimates how tldraw lays out text, so templates can be checked to fit their zones without a
 * browser. Widths are the advance widths of the fonts tldraw draws `font: 'sans'` with (IBM
 * Plex Sans Medium for regular text, IBM Plex Sans Bold for bold), in thousandths of an em, read
 * from `@tldraw/assets/fonts/*.woff2` (hmtx + cmap tables). Kerning is ignored and every width
 * gets a safety margin, so estimates err on the large side.
 */

/** Font sizes in page units at scale 1 (tldraw: 16 × FONT_SIZES). */
export const FONT_SIZE: Record<TextSize, number> = { s: 18, m: 24, l: 36, xl: 44 }

/** tldraw's default theme line height. */
export const LINE_HEIGHT = 1.35

/** Widths are multiplied by this: browsers' rounding, font hinting and our missing kerning. */
const SAFETY = 1.06

/** Width of a character missing from the tables; wide, so unknown text is never under-estimated. */
const UNKNOWN_EM = 0.7

/** Characters of the tables below, in order (ASCII, French letters, typographic punctuation). */
const GLYPHS = "0123456789 !\"#$%&'()*+,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u00a0\u202fàâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’‘“”«»–—…·×→←↔↑↓•€°²³−✓≥≤"
/** IBM Plex Sans Medium advance widths, em/1000. */
const MEDIUM = [600,600,600,600,600,600,600,600,600,600,236,298,451,678,599,947,707,253,336,336,514,600,290,401,290,417,310,310,600,600,600,487,896,662,659,634,683,593,570,705,714,416,531,660,513,814,714,712,627,712,655,598,577,686,628,926,639,617,591,325,417,325,600,561,600,549,592,510,592,556,340,537,580,265,265,547,285,882,580,564,592,592,383,494,365,580,512,799,530,514,487,354,353,356,600,236,118,549,549,549,510,556,556,556,556,265,265,564,564,580,580,580,514,921,865,662,662,662,634,593,593,593,593,416,416,712,712,686,686,686,617,990,933,284,284,501,500,532,532,588,780,846,356,600,854,854,854,854,854,410,627,470,346,345,600,912,600,600]
/** IBM Plex Sans Bold advance widths, em/1000. */
const BOLD = [600,600,600,600,600,600,600,600,600,600,236,320,493,632,601,974,721,268,338,338,601,600,310,403,310,460,330,330,600,600,600,500,903,685,667,651,697,607,585,719,724,432,559,696,530,819,724,714,656,714,674,624,584,694,650,973,673,649,607,334,460,334,600,556,600,569,608,517,608,562,361,552,596,286,286,577,303,894,596,564,608,608,404,504,383,596,538,841,560,534,518,372,402,372,600,236,118,569,569,569,517,562,562,562,562,286,286,564,564,596,596,596,534,901,864,685,685,685,651,607,607,607,607,432,432,714,714,694,694,694,649,998,968,300,300,535,535,558,558,588,780,897,358,600,900,900,900,900,900,430,627,470,347,345,600,912,600,600]

const widthTables = new Map<boolean, Map<string, number>>()

function table(bold: boolean): Map<string, number> {
  let map = widthTables.get(bold)
  if (!map) {
    const widths = bold ? BOLD : MEDIUM
    map = new Map([...GLYPHS].map((ch, i) => [ch, widths[i]! / 1000]))
    widthTables.set(bold, map)
  }
  return map
}

/** Advance widths in em of the characters the tables know, regular (Medium) or bold. */
export function glyphWidths(bold: boolean): ReadonlyMap<string, number> {
  return table(bold)
}

/** Characters the template fonts have a glyph for (others fall back to another font). */
export function hasGlyph(ch: string): boolean {
  return table(false).has(ch)
}

/** Width of a run of text on one line, in page units. */
export function textWidth(text: string, size: TextSize, bold = false): number {
  const widths = table(bold)
  let em = 0
  for (const ch of text) em += widths.get(ch) ?? UNKNOWN_EM
  return em * FONT_SIZE[size] * SAFETY
}

/** Estimated size of a wrapped text block. */
export interface TextMeasure {
  /** Widest line. */
  w: number
  h: number
  lines: string[]
}

/**
 * Wraps `text` like a browser does in a box `maxWidth` wide (breaks at spaces, a word longer
 * than the line is broken anywhere; '\n' starts a paragraph) and returns its size.
 */
export function measureText(text: string, size: TextSize, maxWidth: number, bold = false): TextMeasure {
  const lines: string[] = []
  const space = textWidth(' ', size, bold)
  for (const paragraph of text.split('\n')) {
    let line = ''
    let lineWidth = 0
    for (const word of paragraph.split(' ')) {
      let w = textWidth(word, size, bold)
      if (line && lineWidth + space + w <= maxWidth) {
        line += ' ' + word
        lineWidth += space + w
        continue
      }
      if (line) lines.push(line)
      line = word
      lineWidth = w
      // A single word wider than the box breaks where it overflows.
      while (lineWidth > maxWidth && [...line].length > 1) {
        let cut = ''
        for (const ch of line) {
          if (textWidth(cut + ch, size, bold) > maxWidth) break
          cut += ch
        }
        if (!cut) cut = [...line][0]!
        lines.push(cut)
        line = line.slice(cut.length)
        w = textWidth(line, size, bold)
        lineWidth = w
      }
    }
    lines.push(line)
  }
  const w = Math.max(0, ...lines.map((l) => textWidth(l, size, bold)))
  return { w, h: lines.length * FONT_SIZE[size] * LINE_HEIGHT, lines }
}
