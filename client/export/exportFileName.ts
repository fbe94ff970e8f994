/** Characters no file system or browser download accepts in a name (Windows is the strictest), and control characters. */
const INVALID = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g
const NAME_MAX = 180

/** A local date as `YYYY-MM-DD` (the day the person sees on their calendar, not UTC's). */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** One part of a file name: invalid characters replaced by '-', spaces collapsed, no leading or trailing dots and spaces. */
export function fileNamePart(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVALID, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '')
}

/**
 * The name of an exported file: `<lab> – <board> – <date>.<ext>` (e.g.
 * « Labo mobilité – Arbre à problèmes – 2025-03-12.pdf »), each part cleaned of characters
 * file systems refuse, the whole kept to a length every system accepts.
 */
export function exportFileName(parts: readonly string[], date: Date, ext: string): string {
  const cleaned = parts.map(fileNamePart).filter((p) => p.length > 0)
  const day = isoDay(date)
  const budget = NAME_MAX - day.length - ext.length - 4
  let stem = cleaned.join(' – ')
  if (stem.length > budget) stem = stem.slice(0, budget).replace(/[\s.–-]+$/, '')
  return `${stem ? `${stem} – ` : ''}${day}.${ext}`
}
