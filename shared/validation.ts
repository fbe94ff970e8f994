import { ACTIVITIES, isPhase, PHASES, type Phase } from './phases'
import { isLang, type Lang } from './lang'
import { ACTIVITY_STATES, MEMBER_FAMILIES, type ActivityState, type LabMember, type MemberFamily } from './lab'

/** Outcome of validating untrusted input: the clean value, or a reason to show the caller. */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: string }

export const LIMITS = {
  title: 120,
  theme: 1000,
  territory: 120,
  memberName: 120,
  members: 60,
} as const

const ok = <T>(value: T): Validated<T> => ({ ok: true, value })
const fail = (error: string): Validated<never> => ({ ok: false, error })

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(body: Record<string, unknown>, field: string, max: number, required: boolean): Validated<string | undefined> {
  const value = body[field]
  if (value === undefined) return required ? fail(`"${field}" is required`) : ok(undefined)
  if (typeof value !== 'string') return fail(`"${field}" must be a string`)
  const trimmed = value.trim()
  if (required && trimmed.length === 0) return fail(`"${field}" must not be empty`)
  if (trimmed.length > max) return fail(`"${field}" must be at most ${max} characters`)
  // Control characters have no place in a title and break exports.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(trimmed)) return fail(`"${field}" contains control characters`)
  return ok(trimmed)
}

function unknownFields(body: Record<string, unknown>, allowed: readonly string[]): Validated<true> {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key))
  return extra.length ? fail(`unknown field${extra.length > 1 ? 's' : ''}: ${extra.map((k) => `"${k}"`).join(', ')}`) : ok(true)
}

/** `POST /api/labs` body. */
export interface CreateLabInput {
  title: string
}

export function validateCreateLab(body: unknown): Validated<CreateLabInput> {
  if (!isObject(body)) return fail('body must be a JSON object')
  const extra = unknownFields(body, ['title'])
  if (!extra.ok) return extra
  const title = text(body, 'title', LIMITS.title, true)
  if (!title.ok) return title
  return ok({ title: title.value! })
}

/** `POST /api/labs/:labId/boards` body. */
export interface CreateBoardInput {
  title: string
  phase: Phase
  template: string | null
  /** Language the template's labels are written in. */
  lang: Lang
}

export function validateCreateBoard(body: unknown, defaultPhase: Phase, isTemplateId: (id: string) => boolean): Validated<CreateBoardInput> {
  if (!isObject(body)) return fail('body must be a JSON object')
  const extra = unknownFields(body, ['title', 'phase', 'template', 'lang'])
  if (!extra.ok) return extra
  const title = text(body, 'title', LIMITS.title, true)
  if (!title.ok) return title
  let phase = defaultPhase
  if (body.phase !== undefined) {
    if (!isPhase(body.phase)) return fail(`"phase" must be one of ${PHASES.join(', ')}`)
    phase = body.phase
  }
  let template: string | null = null
  if (body.template !== undefined && body.template !== null) {
    if (typeof body.template !== 'string') return fail('"template" must be a string')
    if (!isTemplateId(body.template)) return fail(`unknown template "${body.template.slice(0, 60)}"`)
    template = body.template
  }
  if (body.lang !== undefined && !isLang(body.lang)) return fail('"lang" must be "fr" or "en"')
  const lang: Lang = isLang(body.lang) ? body.lang : 'fr'
  return ok({ title: title.value!, phase, template, lang })
}

/** `PATCH /api/labs/:labId` body: every field optional, at least one present. */
export interface UpdateLabInput {
  title?: string
  theme?: string
  territory?: string
  startDate?: string | null
  phase?: Phase
  members?: LabMember[]
  activities?: Record<string, ActivityState>
}

const ACTIVITY_IDS = new Set(ACTIVITIES.map((a) => a.id))

export function validateUpdateLab(body: unknown): Validated<UpdateLabInput> {
  if (!isObject(body)) return fail('body must be a JSON object')
  const extra = unknownFields(body, ['title', 'theme', 'territory', 'startDate', 'phase', 'members', 'activities'])
  if (!extra.ok) return extra
  if (Object.keys(body).length === 0) return fail('nothing to update')
  const out: UpdateLabInput = {}
  if (body.title !== undefined) {
    const title = text(body, 'title', LIMITS.title, true)
    if (!title.ok) return title
    out.title = title.value
  }
  for (const [field, max] of [['theme', LIMITS.theme], ['territory', LIMITS.territory]] as const) {
    if (body[field] === undefined) continue
    const value = text(body, field, max, false)
    if (!value.ok) return value
    out[field] = value.value
  }
  if (body.startDate !== undefined) {
    if (body.startDate === null || body.startDate === '') out.startDate = null
    else if (typeof body.startDate !== 'string' || !isIsoDate(body.startDate)) return fail('"startDate" must be a date YYYY-MM-DD or null')
    else out.startDate = body.startDate
  }
  if (body.phase !== undefined) {
    if (!isPhase(body.phase)) return fail(`"phase" must be one of ${PHASES.join(', ')}`)
    out.phase = body.phase
  }
  if (body.members !== undefined) {
    const members = validateMembers(body.members)
    if (!members.ok) return members
    out.members = members.value
  }
  if (body.activities !== undefined) {
    if (!isObject(body.activities)) return fail('"activities" must be an object of activity id → state')
    const activities: Record<string, ActivityState> = {}
    for (const [id, state] of Object.entries(body.activities)) {
      if (!ACTIVITY_IDS.has(id)) return fail(`unknown activity "${id.slice(0, 60)}"`)
      if (!(ACTIVITY_STATES as readonly unknown[]).includes(state)) return fail(`activity "${id}" state must be one of ${ACTIVITY_STATES.join(', ')}`)
      activities[id] = state as ActivityState
    }
    out.activities = activities
  }
  return ok(out)
}

function validateMembers(value: unknown): Validated<LabMember[]> {
  if (!Array.isArray(value)) return fail('"members" must be an array')
  if (value.length > LIMITS.members) return fail(`a lab has at most ${LIMITS.members} members`)
  const members: LabMember[] = []
  for (const [i, item] of value.entries()) {
    if (!isObject(item)) return fail(`members[${i}] must be an object`)
    const extra = unknownFields(item, ['name', 'family'])
    if (!extra.ok) return fail(`members[${i}]: ${extra.error}`)
    const name = text(item, 'name', LIMITS.memberName, true)
    if (!name.ok) return fail(`members[${i}]: ${name.error}`)
    if (!(MEMBER_FAMILIES as readonly unknown[]).includes(item.family)) {
      return fail(`members[${i}]: "family" must be one of ${MEMBER_FAMILIES.join(', ')}`)
    }
    members.push({ name: name.value!, family: item.family as MemberFamily })
  }
  return ok(members)
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(value + 'T00:00:00Z')
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

/** Ids of labs, boards and assets: url-safe, generated by the server. */
export function isId(value: string): boolean {
  return /^[A-Za-z0-9_-]{8,64}$/.test(value)
}

/** `PATCH /api/boards/:boardId` body: every field optional, at least one present. */
export interface UpdateBoardInput {
  title?: string
  phase?: Phase
  archived?: boolean
}

export function validateUpdateBoard(body: unknown): Validated<UpdateBoardInput> {
  if (!isObject(body)) return fail('body must be a JSON object')
  const extra = unknownFields(body, ['title', 'phase', 'archived'])
  if (!extra.ok) return extra
  if (Object.keys(body).length === 0) return fail('nothing to update')
  const out: UpdateBoardInput = {}
  if (body.title !== undefined) {
    const title = text(body, 'title', LIMITS.title, true)
    if (!title.ok) return title
    out.title = title.value
  }
  if (body.phase !== undefined) {
    if (!isPhase(body.phase)) return fail(`"phase" must be one of ${PHASES.join(', ')}`)
    out.phase = body.phase
  }
  if (body.archived !== undefined) {
    if (typeof body.archived !== 'boolean') return fail('"archived" must be true or false')
    out.archived = body.archived
  }
  return ok(out)
}

/** `POST /api/boards/:boardId/duplicate` body: all optional (`{}` copies the board as it is now). */
export interface DuplicateBoardInput {
  /** The copy's title; the server makes one from the board's when absent. */
  title: string | null
  /** The copy's phase; the board's when absent. */
  phase: Phase | null
  /** Copy this checkpoint of the board instead of its current state. */
  checkpointId: string | null
}

export function validateDuplicateBoard(body: unknown): Validated<DuplicateBoardInput> {
  if (!isObject(body)) return fail('body must be a JSON object')
  const extra = unknownFields(body, ['title', 'phase', 'checkpointId'])
  if (!extra.ok) return extra
  const title = text(body, 'title', LIMITS.title, false)
  if (!title.ok) return title
  if (body.phase !== undefined && !isPhase(body.phase)) return fail(`"phase" must be one of ${PHASES.join(', ')}`)
  let checkpointId: string | null = null
  if (body.checkpointId !== undefined && body.checkpointId !== null) {
    if (typeof body.checkpointId !== 'string' || !isId(body.checkpointId)) return fail('"checkpointId" must be the id of one of the board’s checkpoints')
    checkpointId = body.checkpointId
  }
  return ok({ title: title.value || null, phase: isPhase(body.phase) ? body.phase : null, checkpointId })
}

/** Largest `.tldr` file a lab imports (images embedded in it included). */
export const TLDR_IMPORT_MAX_BYTES = 40 * 1024 * 1024

/**
 * `POST /api/labs/:labId/boards/import?title=…&phase=…` (the file is the body): the query's
 * fields, both optional.
 */
export interface ImportBoardInput {
  title: string | null
  phase: Phase | null
}

export function validateImportBoard(query: URLSearchParams): Validated<ImportBoardInput> {
  const body: Record<string, unknown> = {}
  for (const [key, value] of query) {
    if (key in body) return fail(`"${key.slice(0, 60)}" is given twice`)
    body[key] = value
  }
  const extra = unknownFields(body, ['title', 'phase'])
  if (!extra.ok) return extra
  const title = text(body, 'title', LIMITS.title, false)
  if (!title.ok) return title
  if (body.phase !== undefined && !isPhase(body.phase)) return fail(`"phase" must be one of ${PHASES.join(', ')}`)
  return ok({ title: title.value || null, phase: isPhase(body.phase) ? body.phase : null })
}
