import type { StoredRecord } from '../boardDoc'
import { AGENDA_STEP_MAX_MS, AGENDA_STEPS_MAX, AGENDA_TITLE_MAX, type AgendaStep, type AgendaTarget } from './agenda'
import type { BringTarget } from './follow'
import { PRIVATE_PROMPT_MAX, PRIVATE_PUT_MAX } from './privateRound'
import { isReaction, type Reaction } from './reactions'
import { TIMER_ADD_MAX_MS, TIMER_MAX_MS, TIMER_MIN_MS } from './timer'
import { VOTE_DOTS_MAX, VOTE_OPTIONS_MAX, VOTE_TITLE_MAX, type Ballot, type VoteScope } from './votes'

/**
 * The facilitator's workshop toolkit as commands (client → server) and events (server →
 * client), beside the board's own commands in `shared/commands.ts`. Who may send each is the
 * server's decision (`server/workshop/`); here they are only checked for shape.
 */
export type WorkshopCommand =
  /** Anyone: asks the server's time (answered by a `clock` event), to correct timers. */
  | { type: 'clock'; sentAt: number }
  // Timer (facilitators).
  | { type: 'timer.start'; durationMs: number; label?: string | null }
  | { type: 'timer.pause' }
  | { type: 'timer.resume' }
  | { type: 'timer.add'; ms: number }
  | { type: 'timer.stop' }
  // Dot voting: facilitators open, reveal, cancel and dismiss; participants and facilitators cast.
  | { type: 'vote.open'; title: string; scope: VoteScope; dotsPerPerson: number; onePerNote: boolean; anonymous: boolean }
  | { type: 'vote.cast'; voteId: string; noteId: string }
  | { type: 'vote.uncast'; voteId: string; noteId: string }
  | { type: 'vote.reveal'; voteId: string }
  /** Closes an open vote without counting (ballots are thrown away). */
  | { type: 'vote.cancel'; voteId: string }
  /** Takes a revealed vote's counts off the notes (its record stays on the board). */
  | { type: 'vote.dismiss'; voteId: string }
  // Bring everyone here, follow me (facilitators).
  | { type: 'view.bring'; target: BringTarget }
  | { type: 'follow.start' }
  | { type: 'follow.stop' }
  // Agenda (facilitators).
  | { type: 'agenda.set'; steps: AgendaStep[] }
  /** Presents step `index` (brings everyone there, starts its timer); null stops presenting. */
  | { type: 'agenda.go'; index: number | null }
  // Private writing round: facilitators open and reveal; writers keep their records private.
  | { type: 'private.open'; prompt: string }
  | { type: 'private.reveal'; roundId: string }
  | { type: 'private.put'; roundId: string; records: StoredRecord[] }
  | { type: 'private.remove'; roundId: string; ids: string[] }
  // Reactions (anyone who may write).
  | { type: 'react'; emoji: Reaction }

export type WorkshopCommandType = WorkshopCommand['type']

export type WorkshopEvent =
  /** Answer to `clock`: the server's time when it read the request. */
  | { type: 'clock'; sentAt: number; serverTime: number }
  /** This person's own dots in the open vote (sent only to them). */
  | { type: 'ballot'; voteId: string; dots: Ballot }
  /** A facilitator brings everyone to this part of the board. */
  | { type: 'bring'; target: BringTarget; by: { id: string; name: string } }
  /**
   * This person's private records in the open round (sent only to them): `full` replaces
   * what the client holds (after `hello`), otherwise `records` are put and `removed` deleted.
   */
  | { type: 'private.records'; roundId: string; records: StoredRecord[]; removed: string[]; full: boolean }
  /** Someone reacted. */
  | { type: 'reaction'; emoji: Reaction; from: { id: string; name: string; color: string } }

export const WORKSHOP_COMMAND_TYPES: readonly WorkshopCommandType[] = [
  'clock',
  'timer.start',
  'timer.pause',
  'timer.resume',
  'timer.add',
  'timer.stop',
  'vote.open',
  'vote.cast',
  'vote.uncast',
  'vote.reveal',
  'vote.cancel',
  'vote.dismiss',
  'view.bring',
  'follow.start',
  'follow.stop',
  'agenda.set',
  'agenda.go',
  'private.open',
  'private.reveal',
  'private.put',
  'private.remove',
  'react',
]

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isInt = (value: unknown, min: number, max: number): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
const isShapeId = (value: unknown): value is string => typeof value === 'string' && value.startsWith('shape:') && value.length <= 200
const isId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value)
/** A single-line text of 1..max characters once trimmed, no control characters. */
function cleanText(value: unknown, max: number, allowEmpty = false): string | null {
  if (typeof value !== 'string') return null
  const text = value.trim()
  if ((!allowEmpty && text.length === 0) || text.length > max || /[\u0000-\u001f\u007f]/.test(text)) return null
  return text
}
const isRect = (v: Record<string, unknown>) =>
  [v.x, v.y, v.w, v.h].every(isFiniteNumber) && (v.w as number) > 0 && (v.h as number) > 0 && [v.x, v.y, v.w, v.h].every((n) => Math.abs(n as number) < 1e7)

function parseTarget(value: unknown): BringTarget | null {
  if (!isObject(value)) return null
  if (value.kind === 'shape') return isShapeId(value.shapeId) ? { kind: 'shape', shapeId: value.shapeId } : null
  if (value.kind === 'bounds') return isRect(value) ? { kind: 'bounds', x: value.x as number, y: value.y as number, w: value.w as number, h: value.h as number } : null
  return null
}

function parseScope(value: unknown): VoteScope | null {
  if (!isObject(value)) return null
  if (value.kind === 'board') return { kind: 'board' }
  if (value.kind === 'frame') return isShapeId(value.frameId) ? { kind: 'frame', frameId: value.frameId } : null
  if (value.kind === 'selection') {
    const ids = value.ids
    return Array.isArray(ids) && ids.length > 0 && ids.length <= VOTE_OPTIONS_MAX && ids.every(isShapeId) ? { kind: 'selection', ids: [...new Set(ids as string[])] } : null
  }
  return null
}

function parseStep(value: unknown): AgendaStep | null {
  if (!isObject(value) || !isId(value.id)) return null
  const title = cleanText(value.title, AGENDA_TITLE_MAX)
  if (title === null) return null
  const durationMs = value.durationMs ?? null
  if (durationMs !== null && !isInt(durationMs, 1_000, AGENDA_STEP_MAX_MS)) return null
  const target = value.target === null || value.target === undefined ? null : (parseTarget(value.target) as AgendaTarget | null)
  if (value.target !== null && value.target !== undefined && target === null) return null
  return { id: value.id, title, durationMs: durationMs as number | null, target }
}

/** Checks an untrusted workshop command of a known type: the command, or why not. */
export function parseWorkshopCommand(type: WorkshopCommandType, raw: Record<string, unknown>): WorkshopCommand | string {
  switch (type) {
    case 'clock':
      return isFiniteNumber(raw.sentAt) ? { type, sentAt: raw.sentAt } : '"sentAt" must be a number'
    case 'timer.start': {
      if (!isInt(raw.durationMs, TIMER_MIN_MS, TIMER_MAX_MS)) return `"durationMs" must be a whole number from ${TIMER_MIN_MS} to ${TIMER_MAX_MS}`
      const label = raw.label === undefined || raw.label === null ? null : cleanText(raw.label, AGENDA_TITLE_MAX)
      if (raw.label !== undefined && raw.label !== null && label === null) return `"label" must be 1 to ${AGENDA_TITLE_MAX} characters`
      return { type, durationMs: raw.durationMs, label }
    }
    case 'timer.pause':
    case 'timer.resume':
    case 'timer.stop':
    case 'follow.start':
    case 'follow.stop':
      return { type }
    case 'timer.add':
      return isInt(raw.ms, -TIMER_ADD_MAX_MS, TIMER_ADD_MAX_MS) && raw.ms !== 0 ? { type, ms: raw.ms } : `"ms" must be a non-zero whole number of at most ${TIMER_ADD_MAX_MS} either way`
    case 'vote.open': {
      const title = cleanText(raw.title, VOTE_TITLE_MAX)
      if (title === null) return `"title" must be 1 to ${VOTE_TITLE_MAX} characters`
      const scope = parseScope(raw.scope)
      if (!scope) return '"scope" must be {kind:"board"}, {kind:"frame", frameId} or {kind:"selection", ids}'
      if (!isInt(raw.dotsPerPerson, 1, VOTE_DOTS_MAX)) return `"dotsPerPerson" must be 1 to ${VOTE_DOTS_MAX}`
      if (typeof raw.onePerNote !== 'boolean' || typeof raw.anonymous !== 'boolean') return '"onePerNote" and "anonymous" must be true or false'
      return { type, title, scope, dotsPerPerson: raw.dotsPerPerson, onePerNote: raw.onePerNote, anonymous: raw.anonymous }
    }
    case 'vote.cast':
    case 'vote.uncast':
      return isId(raw.voteId) && isShapeId(raw.noteId) ? { type, voteId: raw.voteId, noteId: raw.noteId } : '"voteId" and "noteId" (a shape id) are needed'
    case 'vote.reveal':
    case 'vote.cancel':
    case 'vote.dismiss':
      return isId(raw.voteId) ? { type, voteId: raw.voteId } : '"voteId" is needed'
    case 'view.bring': {
      const target = parseTarget(raw.target)
      return target ? { type, target } : '"target" must be {kind:"bounds", x, y, w, h} or {kind:"shape", shapeId}'
    }
    case 'agenda.set': {
      if (!Array.isArray(raw.steps) || raw.steps.length > AGENDA_STEPS_MAX) return `"steps" must be a list of at most ${AGENDA_STEPS_MAX} steps`
      const steps = raw.steps.map(parseStep)
      const bad = steps.findIndex((s) => s === null)
      if (bad >= 0) return `step ${bad + 1}: needs an "id", a "title" of 1 to ${AGENDA_TITLE_MAX} characters, a "durationMs" (or null) and a "target" (or null)`
      if (new Set(steps.map((s) => s!.id)).size !== steps.length) return 'two steps have the same id'
      return { type, steps: steps as AgendaStep[] }
    }
    case 'agenda.go':
      return raw.index === null || isInt(raw.index, 0, AGENDA_STEPS_MAX - 1) ? { type, index: raw.index as number | null } : '"index" must be a step number or null'
    case 'private.open': {
      const prompt = raw.prompt === undefined ? '' : cleanText(raw.prompt, PRIVATE_PROMPT_MAX, true)
      return prompt === null ? `"prompt" must be at most ${PRIVATE_PROMPT_MAX} characters` : { type, prompt }
    }
    case 'private.reveal':
      return isId(raw.roundId) ? { type, roundId: raw.roundId } : '"roundId" is needed'
    case 'private.put': {
      if (!isId(raw.roundId)) return '"roundId" is needed'
      const records = raw.records
      if (!Array.isArray(records) || records.length === 0 || records.length > PRIVATE_PUT_MAX) return `"records" must be 1 to ${PRIVATE_PUT_MAX} records`
      // Checked as records by the board's rules on the server.
      if (!records.every((r) => isObject(r) && typeof r.id === 'string' && typeof r.typeName === 'string')) return '"records" must be records (objects with "id" and "typeName")'
      return { type, roundId: raw.roundId, records: records as StoredRecord[] }
    }
    case 'private.remove': {
      if (!isId(raw.roundId)) return '"roundId" is needed'
      const ids = raw.ids
      return Array.isArray(ids) && ids.length > 0 && ids.length <= PRIVATE_PUT_MAX && ids.every((i) => typeof i === 'string' && i.length <= 200)
        ? { type, roundId: raw.roundId, ids: ids as string[] }
        : `"ids" must be 1 to ${PRIVATE_PUT_MAX} record ids`
    }
    case 'react':
      return isReaction(raw.emoji) ? { type, emoji: raw.emoji } : '"emoji" must be one of the offered reactions'
  }
}
