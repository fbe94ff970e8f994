import type { Bilingual } from '../phases'

/**
 * French typography: a narrow no-break space (U+202F) before ? ! ; and a no-break space
 * (U+00A0) before : and inside « », so punctuation never wraps alone onto a new line.
 */
export function frenchTypography(text: string): string {
  return text
    .replace(/ ([?!;])/g, '\u202f$1')
    .replace(/ :/g, '\u00a0:')
    .replace(/« /g, '«\u00a0')
    .replace(/ »/g, '\u00a0»')
}

/** A bilingual text, French first; the French is typeset with {@link frenchTypography}. */
export function bi(fr: string, en: string): Bilingual {
  return { fr: frenchTypography(fr), en }
}
