import { PDFDocument, rgb, type PDFPage } from 'pdf-lib'
import { ACTIVITY_STATES, MEMBER_FAMILIES, type ActivityState, type Board, type Lab } from '../../shared/lab'
import { ACTIVITIES, PHASE_INFO, PHASES } from '../../shared/phases'
import { getTemplate } from '../../shared/templates/catalogue'
import type { MessageKey } from '../i18n/messages'
import { A4 } from '../export/pdf/pageGeometry'
import { embedPdfFonts } from '../export/pdf/PdfFonts'
import { PDF_COLORS, PdfFlow } from '../export/pdf/PdfFlow'
import type { ExportText } from '../export/translator'
import type { BoardReport } from './boardReport'

export interface LabReportInput {
  lab: Lab
  /** Every board of the lab (the journey lists them all, archived ones aside). */
  boards: readonly Board[]
  /** The boards chosen for the report, in order, with their content. */
  reports: readonly BoardReport[]
  text: ExportText
  date: Date
}

const WHITE = rgb(1, 1, 1)
/** Wider than this (width / height), a board's picture goes on a landscape page. */
const WIDE = 1.3

/** A square telling an activity's state: empty (to do), half filled (in progress), filled (done). */
function stateMarker(state: ActivityState) {
  return (page: PDFPage, x: number, baseline: number, size: number) => {
    const s = size * 0.72
    const y = baseline - size * 0.02
    page.drawRectangle({ x, y, width: s, height: s, borderColor: PDF_COLORS.accent, borderWidth: 0.9, ...(state === 'done' && { color: PDF_COLORS.accent }) })
    if (state === 'in-progress') page.drawRectangle({ x, y, width: s / 2, height: s, color: PDF_COLORS.accent })
  }
}

function bullet(page: PDFPage, x: number, baseline: number, size: number): void {
  page.drawCircle({ x: x + size * 0.3, y: baseline + size * 0.32, size: size * 0.16, color: PDF_COLORS.muted })
}

const rank = (n: number, flow: PdfFlow) => (page: PDFPage, x: number, baseline: number, size: number) => {
  const label = `${n}.`
  flow.fonts.bold.draw(page, label, { x: x + 8 - flow.fonts.bold.widthOf(label, size), y: baseline, size, color: PDF_COLORS.accent })
}

/**
 * The lab report: a cover (title, theme, territory, dates, where the lab stands in the four
 * phases), the lab at a glance, its members by family, the journey with each activity's state,
 * then one section per chosen board — its picture, its notes by zone, its votes ranked and its
 * named checkpoints. A4 portrait, IBM Plex, body text at 10 pt.
 */
export async function labReportPdf({ lab, boards, reports, text, date }: LabReportInput): Promise<Uint8Array> {
  const { t, plural, lang } = text
  const pick = (b: { fr: string; en: string }) => b[lang]
  const doc = await PDFDocument.create()
  const fonts = await embedPdfFonts(doc)
  doc.setTitle(`${lab.title} — ${t('report.title')}`)
  doc.setSubject(lab.theme)
  doc.setLanguage(lang === 'fr' ? 'fr-FR' : 'en-GB')
  doc.setCreator('Fabrique')
  doc.setProducer('Fabrique')
  doc.setCreationDate(date)
  const flow = new PdfFlow(doc, fonts)
  const notSet = t('report.pdf.notSet')
  const shownBoards = boards.filter((b) => !b.archived)
  const states = (state: ActivityState) => ACTIVITIES.filter((a) => (lab.activities[a.id] ?? 'todo') === state).length
  const phaseName = (phase: Board['phase']) => pick(PHASE_INFO[phase].label)

  // Cover.
  flow.newPage()
  flow.space(70)
  flow.text(t('report.pdf.kicker'), { size: 11, bold: true, color: PDF_COLORS.muted, after: 10 })
  flow.text(lab.title, { size: 30, bold: true, color: PDF_COLORS.accent, leading: 1.15, after: 14 })
  if (lab.theme.trim()) flow.text(lab.theme, { size: 14, leading: 1.35, after: 26 })
  const facts: [string, string][] = [
    [t('report.pdf.territory'), lab.territory.trim() || notSet],
    [t('report.pdf.started'), lab.startDate ? text.date(lab.startDate) : notSet],
    [t('report.pdf.phase'), `${phaseName(lab.phase)} (${pick(PHASE_INFO[lab.phase].duration)})`],
    [t('report.pdf.members'), plural('report.pdf.members.count', lab.members.length)],
    [t('report.pdf.boardsCount'), plural('report.pdf.boards', shownBoards.length)],
  ]
  for (const [label, value] of facts) {
    const top = flow.cursor
    fonts.bold.draw(flow.current, label, { x: flow.margin, y: top - 11, size: 11, color: PDF_COLORS.muted })
    const lines = fonts.regular.wrap(value, flow.width - 130, 11)
    lines.forEach((line, i) => fonts.regular.draw(flow.current, line, { x: flow.margin + 130, y: top - 11 - i * 15, size: 11, color: PDF_COLORS.ink }))
    flow.advance(lines.length * 15 + 6)
  }
  // Where the lab stands: the four phases side by side, the current one filled.
  flow.space(30)
  const gap = 8
  const boxW = (flow.width - 3 * gap) / 4
  const boxH = 58
  const top = flow.cursor
  PHASES.forEach((phase, i) => {
    const current = phase === lab.phase
    const past = PHASES.indexOf(phase) < PHASES.indexOf(lab.phase)
    const x = flow.margin + i * (boxW + gap)
    flow.current.drawRectangle({ x, y: top - boxH, width: boxW, height: boxH, borderColor: PDF_COLORS.accent, borderWidth: 1, ...(current ? { color: PDF_COLORS.accent } : past ? { color: PDF_COLORS.tint } : {}) })
    const ink = current ? WHITE : PDF_COLORS.ink
    fonts.bold.draw(flow.current, `${i + 1}`, { x: x + 8, y: top - 18, size: 11, color: current ? WHITE : PDF_COLORS.accent })
    fonts.bold.draw(flow.current, fonts.bold.wrap(phaseName(phase), boxW - 16, 10.5)[0] ?? '', { x: x + 8, y: top - 33, size: 10.5, color: ink })
    fonts.regular.draw(flow.current, fonts.regular.wrap(pick(PHASE_INFO[phase].duration), boxW - 16, 9)[0] ?? '', { x: x + 8, y: top - 47, size: 9, color: ink })
  })
  flow.advance(boxH + 40)
  flow.text(t('report.pdf.generated', { date: text.date(date) }), { size: 10, color: PDF_COLORS.muted })

  // The lab at a glance.
  flow.newPage()
  flow.heading(t('report.pdf.summary'), 1)
  const noteCount = reports.reduce((n, r) => n + r.notes.rows.length, 0)
  const voteCount = reports.reduce((n, r) => n + r.votes.length, 0)
  const glance: [string, string][] = [
    [t('report.pdf.theme'), lab.theme.trim() || notSet],
    [t('report.pdf.territory'), lab.territory.trim() || notSet],
    [t('report.pdf.started'), lab.startDate ? text.date(lab.startDate) : notSet],
    [t('report.pdf.phase'), `${phaseName(lab.phase)} — ${pick(PHASE_INFO[lab.phase].objective)}`],
    [t('report.pdf.activities'), t('report.pdf.activities.value', { done: states('done'), inProgress: states('in-progress'), todo: states('todo'), total: ACTIVITIES.length })],
    [t('report.pdf.boardsCount'), t('report.pdf.boards.value', { all: plural('report.pdf.boards', shownBoards.length), included: reports.length })],
    [t('report.pdf.notesCount'), String(noteCount)],
    [t('report.pdf.votesCount'), String(voteCount)],
  ]
  for (const [label, value] of glance) {
    flow.text(label, { size: 9.5, bold: true, color: PDF_COLORS.muted, after: 1 })
    flow.text(value, { size: 10.5, after: 7 })
  }

  flow.heading(t('report.pdf.members'), 2)
  if (lab.members.length === 0) flow.text(t('report.pdf.members.none'), { color: PDF_COLORS.muted })
  for (const family of MEMBER_FAMILIES) {
    const members = lab.members.filter((m) => m.family === family)
    if (members.length === 0) continue
    flow.heading(`${t(`family.${family}` as MessageKey)} (${members.length})`, 3, 16)
    for (const member of members) flow.item(member.name, { indent: 14, after: 1 }, bullet)
  }

  flow.heading(t('report.pdf.journey'), 2)
  flow.text(t('report.pdf.journey.help'), { color: PDF_COLORS.muted, after: 4 })
  PHASES.forEach((phase, i) => {
    const info = PHASE_INFO[phase]
    const current = phase === lab.phase ? ` — ${t('report.pdf.current')}` : ''
    flow.heading(`${i + 1}. ${pick(info.label)} (${pick(info.duration)})${current}`, 3, 60)
    flow.text(pick(info.objective), { size: 9.5, color: PDF_COLORS.muted, after: 4 })
    for (const activity of ACTIVITIES.filter((a) => a.phase === phase)) {
      const state = lab.activities[activity.id] ?? 'todo'
      flow.item(`${pick(activity.label)} — ${t(`activity.${state}` as MessageKey)}`, { indent: 16, after: 1.5 }, stateMarker(state))
    }
    const inPhase = shownBoards.filter((b) => b.phase === phase)
    flow.text(inPhase.length ? t('report.pdf.boardsIn', { list: inPhase.map((b) => b.title).join(' · ') }) : t('report.pdf.boardsIn.none'), { size: 9.5, indent: 4, color: PDF_COLORS.muted, after: 6 })
  })
  // The legend of the state squares, once.
  flow.space(4)
  for (const state of ACTIVITY_STATES) flow.item(t(`activity.${state}` as MessageKey), { size: 8.5, indent: 16, color: PDF_COLORS.muted }, stateMarker(state))

  // Each board.
  for (const report of reports) {
    const { board } = report
    const template = board.template ? getTemplate(board.template) : null
    const about = [t('report.pdf.board.meta', { phase: phaseName(board.phase), date: text.date(board.createdAt) }), template ? t('report.pdf.board.template', { template: pick(template.title) }) : '']
    const png = report.image && !report.problem ? await doc.embedPng(report.image.png) : null
    // A wide board gets a landscape page of its own first, where it prints 1.4 times larger.
    const wide = png && report.image && report.image.width / report.image.height > WIDE
    if (wide) flow.landscapeImage(board.title, about.filter(Boolean).join(' · '), png, report.image!.width, report.image!.height)
    flow.newPage()
    flow.heading(board.title, 1)
    for (const line of about) if (line) flow.text(line, { size: 9.5, color: PDF_COLORS.muted, after: 2 })
    flow.space(8)
    if (report.problem) {
      flow.text(t('report.pdf.board.unavailable', { reason: report.problem }), { color: PDF_COLORS.muted })
      continue
    }
    if (png && !wide) flow.image(png, report.image!.width, report.image!.height, A4.h * 0.45)
    if (!png) flow.text(t('report.pdf.board.empty'), { color: PDF_COLORS.muted, after: 6 })

    flow.heading(t('report.pdf.notes'), 2)
    if (report.notes.rows.length === 0) flow.text(t('report.pdf.notes.none'), { color: PDF_COLORS.muted })
    const zones: string[] = []
    for (const row of report.notes.rows) if (!zones.includes(row.zone)) zones.push(row.zone)
    for (const zone of zones) {
      flow.heading(zone || t('export.zone.none'), 3, 30)
      for (const row of report.notes.rows.filter((r) => r.zone === zone)) {
        flow.item(row.text || t('export.note.empty'), { indent: 14, after: 0.5 }, bullet)
        const about = [row.author, row.totalVotes > 0 ? plural('export.dots', row.totalVotes) : ''].filter(Boolean).join(' · ')
        if (about) flow.text(about, { size: 8.5, indent: 14, color: PDF_COLORS.muted, after: 4 })
        else flow.space(3)
      }
    }

    if (report.votes.length) {
      flow.heading(t('report.pdf.votes'), 2)
      for (const vote of report.votes) {
        flow.heading(vote.title, 3, 30)
        flow.text(t('report.pdf.vote.meta', { date: text.date(vote.revealedAt), voters: plural('export.voters', vote.voters) }), { size: 9, color: PDF_COLORS.muted, after: 3 })
        vote.results
          .filter((r) => r.count > 0)
          .forEach((r, i) => flow.item(`${r.text || t('export.note.empty')} — ${plural('export.dots', r.count)}`, { indent: 16, after: 1.5 }, rank(i + 1, flow)))
      }
    }

    if (report.checkpoints.length) {
      flow.heading(t('report.pdf.checkpoints'), 2)
      for (const checkpoint of report.checkpoints) {
        const by = checkpoint.createdBy ? ` · ${t('report.pdf.checkpoint.by', { name: checkpoint.createdBy.name })}` : ''
        flow.item(`${checkpoint.name ?? ''} — ${text.date(checkpoint.createdAt)}${by}`, { indent: 14, after: 1.5 }, bullet)
      }
    }
  }

  flow.finish((n, total) => ({ left: t('report.pdf.footer', { lab: lab.title, date: text.date(date) }), right: t('export.pdf.page', { n, total }) }))
  return doc.save()
}
