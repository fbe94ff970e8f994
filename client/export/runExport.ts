import type { Editor } from 'tldraw'
import type * as Y from 'yjs'
import { exportFileName } from './exportFileName'
import { exportImage } from './exportImage'
import { boardPages, notesIn, regionOf, type ExportRegion, type ExportScope } from './exportRegions'
import { noteTable } from './noteTable'
import { notesToCsv, type CsvSeparator } from './notesCsv'
import { notesToMarkdown } from './notesMarkdown'
import type { ExportText } from './translator'

export const EXPORT_FORMATS = ['png', 'svg', 'pdf', 'csv', 'md'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

const MIME: Record<ExportFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  csv: 'text/csv;charset=utf-8',
  md: 'text/markdown;charset=utf-8',
}

export interface ExportRequest {
  editor: Editor
  /** The board's document (its kept votes, revealed authors), when open. */
  doc: Y.Doc | null
  scope: ExportScope
  format: ExportFormat
  separator: CsvSeparator
  lab: string
  board: string
  /** A zone's name, when the scope is a zone. */
  zone?: string
  date: Date
  text: ExportText
}

export interface ExportedFile {
  data: Blob | Uint8Array | string
  fileName: string
  type: string
}

/** Longest side of a PNG, pixels: a whole board at 2× could otherwise outgrow what a phone's memory or a canvas holds. */
const PNG_MAX_PX = 8192

/** Two pixels a page unit (sharp on screens and in print), less for a board too large for that. */
export function pngPixelRatio(region: ExportRegion): number {
  const long = Math.max(region.bounds.w, region.bounds.h) + 2 * region.padding
  return Math.min(2, PNG_MAX_PX / long)
}

/** The name of what a scope exports, after the lab and the board: a zone's name, « Sélection », or nothing for the board. */
function scopeName({ scope, zone, text }: Pick<ExportRequest, 'scope' | 'zone' | 'text'>): string[] {
  if (scope.kind === 'zone') return zone ? [zone] : []
  if (scope.kind === 'selection') return [text.t('export.selection')]
  return []
}

/** The file name an export gets: `<lab> – <board> [– <zone>] – <date>.<ext>`. */
export function exportedFileName(request: Pick<ExportRequest, 'scope' | 'zone' | 'text' | 'lab' | 'board' | 'date' | 'format'>): string {
  return exportFileName([request.lab, request.board, ...scopeName(request)], request.date, request.format)
}

/** Makes one export file, or null when the scope holds nothing (an empty board, no selection). */
export async function runExport(request: ExportRequest): Promise<ExportedFile | null> {
  const { editor, doc, scope, format, text } = request
  const region = regionOf(editor, scope, { board: request.board, zone: request.zone, selection: text.t('export.selection') })
  if (!region) return null
  const fileName = exportedFileName(request)
  const type = MIME[format]
  switch (format) {
    case 'png':
    case 'svg':
      return { data: (await exportImage(editor, region, format, pngPixelRatio(region))).blob, fileName, type }
    case 'pdf': {
      // pdf-lib and the fonts load only when someone asks for a PDF.
      const { boardPdf } = await import('./boardPdf')
      const pages: ExportRegion[] = scope.kind === 'board' ? boardPages(editor, request.board, text.t) : [region]
      const heading = [request.lab, request.board].filter(Boolean).join(' – ')
      return { data: await boardPdf({ editor, pages, heading, date: request.date, text }), fileName, type }
    }
    case 'csv':
    case 'md': {
      const table = noteTable(editor, doc, text.t, scope.kind === 'board' ? undefined : notesIn(editor, region))
      if (format === 'csv') return { data: notesToCsv(table, request.separator, text), fileName, type }
      const title = [request.board, ...scopeName(request)].join(' – ')
      return { data: notesToMarkdown(table, { title, subtitle: `${request.lab} · ${text.date(request.date)}` }, text), fileName, type }
    }
  }
}
