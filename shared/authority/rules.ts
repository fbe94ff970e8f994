import type { EditingMode } from '../boardSession'
import type { StoredRecord } from '../boardDoc'
import type { Role } from '../roles'
import { authorOf, recordProblem, referencesOf, userRecordId, withAuthor } from './records'

/**
 * The rules of a board, as one pure function both sides run: the server to decide what it
 * stores and relays (it is the authority), the client to stop its own user before the server
 * has to correct them.
 */

/** Why a change was refused. Clients show a message for each. */
export const Rule = {
  /** Viewers write nothing. */
  readOnly: 'read-only',
  /** A facilitator froze the board: participants write nothing. */
  frozen: 'frozen',
  /** The shape, or a frame it sits in, is locked. */
  locked: 'locked',
  /** Only facilitators lock and unlock. */
  lockFacilitatorOnly: 'lock-facilitator-only',
  /** Someone else's shape (deleting it, or changing it when each edits their own). */
  notAuthor: 'not-author',
  /** Pages and the document belong to facilitators. */
  structure: 'structure',
  /** Not a well-formed record. */
  invalidRecord: 'invalid-record',
  /** It points to a record that does not exist (a parent, a bound shape, an image). */
  missingReference: 'missing-reference',
  /** Deleting it would leave others pointing to nothing. */
  inUse: 'in-use',
  /** Written by the server only (`meta.schema`, `session`). */
  serverOnly: 'server-only',
  /** `meta` is for facilitators (templates applied). */
  metaFacilitatorOnly: 'meta-facilitator-only',
  /** Not part of a board document. */
  unknownEntry: 'unknown-entry',
  /** An image or file that is not stored beside this board (it would make every viewer's browser call another host). */
  foreignAsset: 'foreign-asset',
  /** The update could not be decoded. */
  malformedUpdate: 'malformed-update',
} as const
export type RuleName = (typeof Rule)[keyof typeof Rule]

/** Who is writing, and a view of the board around the change being judged. */
export interface RuleContext {
  role: Role
  /** The writer's identity, stamped as author of what they create. */
  identityId: string
  mode: EditingMode
  /** Where this board's stored images are served (`/api/boards/<id>/assets/`); assets must point there. */
  assetPrefix?: string
  /** A record as it was before the change (undefined: absent). */
  before(id: string): StoredRecord | undefined
  /** A record as it will be once the change stands. */
  after(id: string): StoredRecord | undefined
}

/** What to do with one record's change. */
export type RecordVerdict =
  | { kind: 'accept' }
  | { kind: 'refuse'; rule: RuleName }
  /** Accepted, but stored as `value` (the server stamps authorship). */
  | { kind: 'rewrite'; value: StoredRecord }

const ACCEPT: RecordVerdict = { kind: 'accept' }
const refuse = (rule: RuleName): RecordVerdict => ({ kind: 'refuse', rule })

/** Deepest chain of frames and groups a shape may sit in; deeper (or a cycle) is refused. */
const MAX_DEPTH = 64

/** Whether a shape or one of the shapes it sits in is locked (tldraw's rule for what can be edited). */
export function isLockedIn(shape: StoredRecord, get: (id: string) => StoredRecord | undefined): boolean {
  let current: StoredRecord | undefined = shape
  for (let depth = 0; current && current.typeName === 'shape' && depth < MAX_DEPTH; depth++) {
    if (current.isLocked === true) return true
    current = get(current.parentId as string)
  }
  return false
}

/** Whether every record `record` points to exists with the right type, and its parents reach a page. */
function referencesHold(record: StoredRecord, get: (id: string) => StoredRecord | undefined): boolean {
  for (const ref of referencesOf(record)) {
    const target = ref.id === record.id ? undefined : get(ref.id)
    if (!target || !(ref.types as readonly string[]).includes(target.typeName)) return false
  }
  if (record.typeName !== 'shape') return true
  let current: StoredRecord | undefined = record
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const parent = get(current.parentId as string)
    if (!parent) return false
    if (parent.typeName === 'page') return true
    if (parent.id === record.id) return false
    current = parent
  }
  return false
}

/** Whether every address an asset holds (its file, a bookmark's image and icon) is this board's. */
function assetIsLocal(asset: StoredRecord, prefix: string): boolean {
  const props = asset.props as Record<string, unknown>
  return ['src', 'image', 'favicon'].every((key) => {
    const value = props[key]
    return value === undefined || value === null || value === '' || (typeof value === 'string' && value.startsWith(prefix) && !value.includes('..'))
  })
}

/** Authorship as the server stamps it: the creator on creation, unchanged afterwards. */
function stamped(ctx: RuleContext, before: StoredRecord | undefined, after: StoredRecord): RecordVerdict {
  if (after.typeName !== 'shape' && after.typeName !== 'asset') return ACCEPT
  const expected = before ? authorOf(before) : ctx.identityId
  return authorOf(after) === expected ? ACCEPT : { kind: 'rewrite', value: withAuthor(after, expected) }
}

/**
 * Judges one change of a board's `records` map: `before` and `after` are the values under
 * `id` (undefined when absent). Refuses anything malformed or pointing nowhere, then applies
 * the writer's role and the board's editing mode.
 */
export function judgeRecordChange(ctx: RuleContext, id: string, before: unknown, after: unknown): RecordVerdict {
  if (ctx.role === 'viewer') return refuse(Rule.readOnly)
  const prev = before as StoredRecord | undefined
  // Said first, because it is what a participant needs to hear: whatever they wrote there.
  if (ctx.role === 'participant' && prev?.typeName === 'shape' && isLockedIn(prev, ctx.before)) return refuse(ctx.mode === 'frozen' ? Rule.frozen : Rule.locked)
  let next: StoredRecord | undefined
  if (after !== undefined) {
    if (recordProblem(id, after) !== null) return refuse(Rule.invalidRecord)
    next = after as StoredRecord
    if (!referencesHold(next, ctx.after)) return refuse(Rule.missingReference)
    if (next.typeName === 'asset' && ctx.assetPrefix !== undefined && !assetIsLocal(next, ctx.assetPrefix)) return refuse(Rule.foreignAsset)
  }
  if (ctx.role === 'facilitator') return next ? stamped(ctx, prev, next) : ACCEPT
  if (ctx.mode === 'frozen') return refuse(Rule.frozen)
  const record = (next ?? prev)!
  const own = (r: StoredRecord | undefined) => r !== undefined && authorOf(r) === ctx.identityId
  switch (record.typeName) {
    case 'document':
    case 'page':
      return refuse(Rule.structure)
    case 'user':
      return id === userRecordId(ctx.identityId) ? ACCEPT : refuse(Rule.notAuthor)
    case 'shape': {
      if (prev && isLockedIn(prev, ctx.before)) return refuse(Rule.locked)
      if (next && next.isLocked === true) return refuse(Rule.lockFacilitatorOnly)
      if (next && isLockedIn(next, ctx.after)) return refuse(Rule.locked)
      if (prev && !next && !own(prev)) return refuse(Rule.notAuthor)
      if (prev && next && ctx.mode === 'own' && !own(prev)) return refuse(Rule.notAuthor)
      return next ? stamped(ctx, prev, next) : ACCEPT
    }
    case 'binding': {
      // A binding is part of its arrow: judged by what may be done to the arrow.
      const arrowId = record.fromId as string
      const arrowBefore = ctx.before(arrowId)
      if (arrowBefore && isLockedIn(arrowBefore, ctx.before)) return refuse(Rule.locked)
      if (ctx.mode === 'own' && arrowBefore && !own(arrowBefore)) return refuse(Rule.notAuthor)
      return ACCEPT
    }
    case 'asset':
      if (prev && !own(prev)) return refuse(Rule.notAuthor)
      return next ? stamped(ctx, prev, next) : ACCEPT
    default:
      return refuse(Rule.invalidRecord)
  }
}
