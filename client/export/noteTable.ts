import type { Editor, TLNoteShape, TLShape, TLShapeId } from 'tldraw'
import type * as Y from 'yjs'
import { readVoteRecords } from '../../shared/workshop/session'
import type { VoteRecord } from '../../shared/workshop/votes'
import { readingOrder } from '../board/camera/zones'
import type { MessageKey } from '../i18n/messages'
import { knownAuthorNames, unknownAuthor } from './authorNames'
import type { Translate } from './translator'
import { zoneAreas, zonesOf } from './zoneAreas'

/** One note as a row of the notes table. */
export interface NoteRow {
  id: string
  /** The zone it lies in (`Acteurs › Premier cercle` when zones nest), or '' outside every zone. */
  zone: string
  /** Its text, line breaks kept. */
  text: string
  /** Its author's name, `#a1b2c3` when no name is known, or what made it (a template's example). */
  author: string
  authorId: string | null
  /** Its colour, named in the table's language. */
  color: string
  /** Dots it got in each kept vote of {@link NoteTable.votes}, in that order. */
  votes: number[]
  totalVotes: number
}

/** The notes of a board (or of part of it), ready for a CSV, Markdown or a report. */
export interface NoteTable {
  rows: NoteRow[]
  /** The revealed votes that concern these notes, oldest first. */
  votes: VoteRecord[]
}

/** tldraw's colour names, as the notes carry them. */
const COLORS = ['black', 'grey', 'light-violet', 'violet', 'blue', 'light-blue', 'yellow', 'orange', 'green', 'light-green', 'light-red', 'red', 'white'] as const

/**
 * A note's colour as people see it: tldraw draws a `black` note (its default) pale yellow, so
 * it is named so.
 */
export function colorName(color: string, t: Translate): string {
  if (color === 'black') return t('export.color.note-black')
  return (COLORS as readonly string[]).includes(color) ? t(`export.color.${color}` as MessageKey) : color
}

const noteText = (editor: Editor, shape: TLShape): string =>
  (editor.getShapeUtil(shape).getText(shape) ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .trim()

/**
 * The notes of the current page (or those in `only`), grouped by zone in the board's reading
 * order, each with its zone, text, author, colour and the dots it got in the votes revealed on
 * the board (`doc`'s kept vote records).
 */
export function noteTable(editor: Editor, doc: Y.Doc | null, t: Translate, only?: ReadonlySet<TLShapeId>): NoteTable {
  const notes = editor.getCurrentPageShapes().filter((s): s is TLNoteShape => s.type === 'note' && (!only || only.has(s.id)))
  const areas = zoneAreas(editor)
  const names = knownAuthorNames(editor, doc)
  const noteIds = new Set<string>(notes.map((n) => n.id))
  const votes = (doc ? readVoteRecords(doc) : []).reverse().filter((vote) => vote.results.some((r) => noteIds.has(r.noteId) && r.count > 0))

  // Group by the innermost zone, groups in the zones' reading order, notes in reading order.
  const groups = new Map<string, { order: number; path: string; notes: { shape: TLNoteShape; bounds: { x: number; y: number; w: number; h: number } }[] }>()
  for (const shape of notes) {
    const zones = zonesOf(editor, shape, areas)
    const innermost = zones[zones.length - 1]
    const key = innermost?.id ?? ''
    const order = innermost ? areas.indexOf(innermost) : areas.length
    const path = zones.map((z) => z.name || t(z.frame ? 'export.zone.frame' : 'export.zone.untitled')).join(' › ')
    const group = groups.get(key) ?? { order, path, notes: [] }
    group.notes.push({ shape, bounds: editor.getShapePageBounds(shape) ?? { x: shape.x, y: shape.y, w: 0, h: 0 } })
    groups.set(key, group)
  }

  const rows: NoteRow[] = []
  for (const group of [...groups.values()].sort((a, b) => a.order - b.order)) {
    for (const { shape } of readingOrder(group.notes)) {
      const meta = (shape.meta ?? {}) as Record<string, unknown>
      const authorId = typeof meta.author === 'string' ? meta.author : null
      const author = authorId ? (names.get(authorId) ?? unknownAuthor(authorId)) : meta.part === 'example' ? t('export.author.example') : ''
      const counts = votes.map((vote) => vote.results.find((r) => r.noteId === shape.id)?.count ?? 0)
      rows.push({
        id: shape.id,
        zone: group.path,
        text: noteText(editor, shape),
        author,
        authorId,
        color: colorName(shape.props.color, t),
        votes: counts,
        totalVotes: counts.reduce((a, b) => a + b, 0),
      })
    }
  }
  return { rows, votes }
}

/** A vote's name in a column header or a heading: its title and the day it was revealed. */
export function voteLabel(vote: VoteRecord, formatDate: (iso: string) => string): string {
  return `${vote.title} (${formatDate(vote.revealedAt)})`
}
