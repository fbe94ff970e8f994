import type { BoardReport, CopyEvent, CopyReport, LabReport } from './copySqliteToPostgres'

/** Characters of a checksum shown in the table. */
const CHECKSUM_PREFIX = 12
const TITLE_WIDTH = 24

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function clip(text: string, width: number): string {
  const chars = [...text]
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`
}

/** One progress line for an event, or null for events not worth a line. */
export function formatCopyEvent(event: CopyEvent): string | null {
  switch (event.type) {
    case 'start':
      return `${event.verifyOnly ? 'Comparing' : 'Copying'} ${event.source.file} (schema ${event.source.schemaVersion}) ${event.verifyOnly ? 'with' : 'into'} ${event.target.url} (schema ${event.target.schema})`
    case 'lab done':
      return formatLab(event.lab)
    case 'board compared':
    case 'board verified':
      return null
    default:
      return event satisfies never
  }
}

function formatLab(lab: LabReport): string {
  const identities = lab.identities.copied > 0 ? `, ${lab.identities.copied} of ${lab.identities.total} identities copied` : ''
  const differences = lab.differences.length > 0 ? ` — ${lab.differences.join('; ')}` : ''
  return `lab ${lab.labId} ${JSON.stringify(lab.title)}: ${lab.action === 'conflict' ? 'CONFLICT' : lab.action}, ${plural(lab.boards, 'board')}${identities}${differences}`
}

function checksumCell(board: BoardReport): string {
  const ours = board.checksum.slice(0, CHECKSUM_PREFIX)
  if (board.postgresChecksum === null) return `${ours}/-`
  return board.postgresChecksum === board.checksum ? ours : `${board.checksum.slice(0, 6)}≠${board.postgresChecksum.slice(0, 5)}`
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)))
  return rows.map((r) =>
    r
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - [...cell].length)
        return rightAligned.has(i) ? pad + cell : cell + pad
      })
      .join('  ')
      .trimEnd(),
  )
}

/**
 * The final report: one line per board (its counts and bytes as SQLite holds them, the
 * checksum's first characters — both sides' when they differ — whether the replayed states
 * are equal, what the run did, ok or DIFF), what differs, a total line, and what to do about
 * conflicts.
 */
export function formatCopyReport(report: CopyReport): string {
  const lines: string[] = []
  const header = ['board', 'title', 'rows', 'images', 'checkpoints', 'bin', 'secrets', 'bytes', 'checksum', 'state', 'action', 'result']
  const rows = report.boards.map((b) => [
    b.boardId,
    clip(b.title, TITLE_WIDTH),
    String(b.counts.rows),
    String(b.counts.assets),
    String(b.counts.checkpoints),
    String(b.counts.bin),
    String(b.counts.secrets),
    formatBytes(b.counts.bytes),
    checksumCell(b),
    b.stateEqual === null ? '-' : b.stateEqual ? 'equal' : 'DIFF',
    b.action,
    b.ok ? 'ok' : 'DIFF',
  ])
  const sum = (f: (b: BoardReport) => number) => report.boards.reduce((n, b) => n + f(b), 0)
  const total = ['total', `${plural(report.labs.length, 'lab')}`, String(sum((b) => b.counts.rows)), String(sum((b) => b.counts.assets)), String(sum((b) => b.counts.checkpoints)), String(sum((b) => b.counts.bin)), String(sum((b) => b.counts.secrets)), formatBytes(sum((b) => b.counts.bytes)), '', '', '', '']
  const formatted = table([header, ...rows, total], new Set([2, 3, 4, 5, 6, 7]))
  lines.push(...formatted.slice(0, -1), '-'.repeat(Math.max(...formatted.map((l) => [...l].length))), formatted.at(-1)!)

  for (const b of report.boards.filter((b) => !b.ok)) lines.push(`DIFF ${b.boardId} ${JSON.stringify(b.title)} (${b.action}): ${b.differences.join('; ')}`)
  for (const s of report.settings.filter((s) => s.action === 'conflict' || s.action === 'missing')) {
    lines.push(`DIFF setting ${s.key}: ${s.action === 'conflict' ? 'PostgreSQL holds another value (kept)' : 'not in PostgreSQL'}`)
  }
  for (const l of report.labs.filter((l) => l.differences.length > 0)) lines.push(`DIFF lab ${l.labId} ${JSON.stringify(l.title)} (${l.action}): ${l.differences.join('; ')}`)

  const count = (action: string) => report.boards.filter((b) => b.action === action).length
  const ok = report.boards.filter((b) => b.ok).length
  const settings = report.settings.map((s) => `${s.key} ${s.action}`).join(', ') || 'none'
  lines.push(
    `${plural(report.boards.length, 'board')}: ${ok} ok, ${report.boards.length - ok} DIFF — copied ${count('copied')}, already copied ${count('already copied')}, conflicts ${count('conflict')}` +
      (report.verifyOnly ? `, missing ${count('missing')}` : '') +
      `; settings: ${settings}; ${(report.elapsedMs / 1000).toFixed(2)} s`,
  )
  if (report.orphans.updates + report.orphans.assets > 0) {
    lines.push(`not copied: ${plural(report.orphans.updates, 'update row')} and ${plural(report.orphans.assets, 'image')} of boards that no longer exist (no lab owns them)`)
  }
  lines.push(conclusion(report))
  return lines.join('\n')
}

function conclusion(report: CopyReport): string {
  const wrote = report.boards.some((b) => b.action === 'copied') || report.labs.some((l) => l.action === 'copied') || report.settings.some((s) => s.action === 'copied')
  if (report.ok) {
    if (report.verifyOnly) return 'Verified: PostgreSQL holds everything of the SQLite database, equal.'
    return wrote ? 'Copied and verified: PostgreSQL holds everything of the SQLite database, equal.' : 'Already copied: PostgreSQL held everything of the SQLite database, equal; nothing written.'
  }
  const advice: string[] = []
  if (report.boards.some((b) => b.action === 'conflict') || report.labs.some((l) => l.action === 'conflict')) {
    advice.push(
      'Conflicts are never overwritten: PostgreSQL keeps its version (edited there since the copy, or the SQLite server kept running after it). ' +
        'To keep PostgreSQL\'s, there is nothing to do: everything else was copied. ' +
        "To take SQLite's version of a board instead, delete that board from PostgreSQL (in Fabrique on PostgreSQL: move it to its lab's bin and empty the bin), then run this command again.",
    )
  }
  if (report.settings.some((s) => s.key === 'server_secret' && s.action === 'conflict')) {
    advice.push(
      'PostgreSQL has a signing key of its own (a Fabrique instance ran on it before the copy): sync tickets and image links issued by the SQLite server are refused there. ' +
        "To take SQLite's key, stop the instances, run DELETE FROM settings WHERE key = 'server_secret' in that schema, and run this command again.",
    )
  }
  if (report.verifyOnly && report.boards.some((b) => b.action === 'missing')) advice.push('Not everything is in PostgreSQL yet: run the command without --verify-only to copy it.')
  return advice.join('\n') || 'Differences found: see the DIFF lines above.'
}
