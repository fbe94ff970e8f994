import type { NoteTable } from './noteTable'
import { voteLabel } from './noteTable'
import type { ExportText } from './translator'

export interface MarkdownOptions {
  title: string
  /** Under the title: the lab, the date. */
  subtitle: string
}

/** Text in a table cell: Markdown's special characters escaped, line breaks as `<br>`. */
export function markdownCell(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1').replace(/\r?\n/g, '<br>')
}

/** Text in a heading or a list item, on one line. */
const inline = (text: string): string => markdownCell(text).replace(/<br>/g, ' / ')

/**
 * The notes as Markdown: a table per zone (text, author, colour, dots when votes were
 * revealed), then each revealed vote's ranking.
 */
export function notesToMarkdown(table: NoteTable, { title, subtitle }: MarkdownOptions, { t, plural, date }: ExportText): string {
  const withVotes = table.votes.length > 0
  const out: string[] = [`# ${inline(title)}`, '', `${inline(subtitle)} · ${plural('export.notes', table.rows.length)}`, '']
  const zones: string[] = []
  for (const row of table.rows) if (!zones.includes(row.zone)) zones.push(row.zone)
  for (const zone of zones) {
    out.push(`## ${inline(zone || t('export.zone.none'))}`, '')
    const head = [t('export.column.text'), t('export.column.author'), t('export.column.color')]
    if (withVotes) head.push(t('export.column.votes'))
    out.push(`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (withVotes && i === head.length - 1 ? '---:' : '---')).join(' | ')} |`)
    for (const row of table.rows.filter((r) => r.zone === zone)) {
      const cells = [markdownCell(row.text), markdownCell(row.author), markdownCell(row.color)]
      if (withVotes) cells.push(String(row.totalVotes))
      out.push(`| ${cells.join(' | ')} |`)
    }
    out.push('')
  }
  if (withVotes) {
    out.push(`## ${t('export.votes.title')}`, '')
    for (const vote of table.votes) {
      out.push(`### ${inline(voteLabel(vote, date))}`, '', plural('export.voters', vote.voters), '')
      vote.results
        .filter((r) => r.count > 0)
        .forEach((r, i) => out.push(`${i + 1}. ${inline(r.text || t('export.note.empty'))} — ${plural('export.dots', r.count)}`))
      out.push('')
    }
  }
  return out.join('\n')
}
