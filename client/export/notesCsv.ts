import type { NoteTable } from './noteTable'
import { voteLabel } from './noteTable'
import type { ExportText } from './translator'

/**
 * `;` is what Excel expects in French (its list separator there, since `,` is the decimal
 * comma); `,` what it expects in English. LibreOffice asks, and offers what it detects.
 */
export type CsvSeparator = ';' | ','


/** UTF-8's byte order mark: without it Excel reads a CSV as the system's code page and breaks accents. */
const BOM = '\uFEFF'

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)`,
 * `-2+3`…): anyone holding a participant link writes notes, so such a cell is prefixed with `'`
 * (OWASP's advice); the text stays readable.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** One field per RFC 4180: quoted when it holds the separator, a quote or a line break; quotes doubled. */
export function csvField(value: string | number, separator: CsvSeparator): string {
  if (typeof value === 'number') return String(value)
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return /["\r\n]/.test(text) || text.includes(separator) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The notes as CSV: a header row, then one row per note (zone, text, author, colour, and its
 * dots when votes were revealed — the total, and each vote's when there were several). UTF-8
 * with a BOM, records ended by CRLF, line breaks inside a note kept inside its quoted field.
 */
export function notesToCsv(table: NoteTable, separator: CsvSeparator, { t, date }: ExportText): string {
  const header: string[] = [t('export.column.zone'), t('export.column.text'), t('export.column.author'), t('export.column.color')]
  if (table.votes.length === 1) header.push(t('export.column.votes'))
  else if (table.votes.length > 1) header.push(t('export.column.votesTotal'), ...table.votes.map((v) => t('export.column.votesIn', { vote: voteLabel(v, date) })))
  const lines = [header.map((h) => csvField(h, separator)).join(separator)]
  for (const row of table.rows) {
    const fields: (string | number)[] = [row.zone, row.text, row.author, row.color]
    if (table.votes.length === 1) fields.push(row.totalVotes)
    else if (table.votes.length > 1) fields.push(row.totalVotes, ...row.votes)
    lines.push(fields.map((f) => csvField(f, separator)).join(separator))
  }
  return `${BOM}${lines.join('\r\n')}\r\n`
}
