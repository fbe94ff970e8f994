import { referencesOf } from '../../shared/authority/records'
import { Rule } from '../../shared/authority/rules'
import { boardAssetPrefix } from '../../shared/assets'
import { BoardDocKey, getRecordsMap, getSessionMap, type StoredRecord } from '../../shared/boardDoc'
import { BoardSessionKey, editingModeOf, type EditingMode } from '../../shared/boardSession'
import { CommandErrorCode, type ServerEvent } from '../../shared/commands'
import type { WorkshopCommand } from '../../shared/workshop/commands'
import type { PrivateRoundState } from '../../shared/workshop/privateRound'
import { generateId } from '../access/tokens'
import type { Storage } from '../persistence/Storage'
import type { Connection, ConnectionIdentity } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { CommandError, type Correction } from '../rooms/RoomHooks'
import type { DocChange } from '../rooms/transactionChanges'
import { judgePrivateRecords, type PrivateVerdicts } from './judgePrivateRecords'
import { recordsToReveal, type PrivateEntry, type Reveal } from './recordsToReveal'
import { sessionValueBefore } from './sessionBefore'
import { invalid, isoNow, peopleNamed, requireFacilitator } from './workshopAccess'

export type PrivateCommand = Extract<WorkshopCommand, { type: 'private.open' | 'private.put' | 'private.remove' | 'private.reveal' }>

/** Where private records are kept, out of the document: `private/<roundId>/<identityId>/<recordId>`. */
export const PRIVATE_PREFIX = 'private/'
const roundPrefix = (roundId: string) => `${PRIVATE_PREFIX}${roundId}/`
const entryKey = (roundId: string, authorId: string, recordId: string) => `${roundPrefix(roundId)}${authorId}/${recordId}`

/** Rule of the correction that takes a participant's new record out of the document during a round (not a refusal). */
export const DIVERTED = 'private-round'

/** Deletions from the board remembered, so that a record coming back (an undo) stays the board's. */
const DELETED_REMEMBERED = 5000

/** What is kept of a private record: the record (authorship stamped), and its author as named when writing. */
interface KeptRecord {
  record: StoredRecord
  author: { name: string; color: string }
}

function isKept(value: unknown): value is KeptRecord {
  const v = value as Partial<KeptRecord> | null
  return typeof v === 'object' && v !== null && typeof v.record?.id === 'string' && typeof v.record.typeName === 'string' && typeof v.author?.name === 'string' && typeof v.author.color === 'string'
}

function asRecord(value: unknown): StoredRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as StoredRecord).typeName === 'string' ? (value as StoredRecord) : undefined
}

/** A session value read as a round (as `readPrivateRound` reads the document). */
function asRound(value: unknown): PrivateRoundState | null {
  const v = value as Partial<PrivateRoundState> | null
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && (v.status === 'open' || v.status === 'revealed') ? (v as PrivateRoundState) : null
}

const isRecordChange = (change: DocChange) => change.root === BoardDocKey.records && change.path.length === 1

/**
 * The private writing round of one board. While a round is open, what a participant creates
 * is theirs alone until a facilitator reveals it: kept in storage (never in the document, which
 * every client receives whole) and sent only to its author's connections. The public state —
 * the round, its prompt, how many wrote how many shapes — is in the board's session.
 *
 * An honest client sends its new records with `private.put` instead of writing them to the
 * document. A record written straight into the document anyway (a stock or modified client,
 * or one that raced the opening) is diverted: taken out of the document by a correction in
 * the same transaction, so no one else ever receives it, and kept for its author.
 *
 * On reveal, everything is written into the board in one transaction with the round marked
 * revealed, then deleted from storage; a load that finds private records of a round no longer
 * open deletes them (a crash came between).
 */
export class PrivateRound {
  /** The round {@link held} belongs to. */
  private heldRound: string | null = null
  /** Writes of private records under way here (a reveal waits for them). */
  private readonly writes = new Set<Promise<void>>()
  /**
   * The open round's records by author, then id: what storage holds, or is being written
   * (updated at once, so the next update of the same batch is judged against it).
   */
  private readonly held = new Map<string, Map<string, KeptRecord>>()
  private readonly deletedFromBoard = new Map<string, true>()
  private countsWrite: Promise<void> | null = null

  constructor(
    private readonly room: Room,
    private readonly storage: Storage,
  ) {}

  /**
   * The open round's id, as the board's session says (with several instances, the round may
   * have been opened or revealed on another one); null when none is open. What is held is
   * forgotten when the round changes.
   */
  private get roundId(): string | null {
    const round = asRound(getSessionMap(this.room.doc).get(BoardSessionKey.privateRound))
    const open = round?.status === 'open' ? round.id : null
    if (open !== this.heldRound) {
      this.heldRound = open
      this.held.clear()
    }
    return open
  }

  /**
   * Replaces what is held by what storage holds for the open round, once this instance's own
   * writes are done: other instances keep their participants' records there too.
   */
  private async reloadHeld(roundId: string): Promise<void> {
    await Promise.allSettled([...this.writes])
    const entries = await this.storage.listBoardSecrets(this.room.boardId, roundPrefix(roundId))
    if (this.roundId !== roundId) return
    this.held.clear()
    for (const { key, value } of entries) {
      const authorId = key.slice(roundPrefix(roundId).length).split('/')[0]
      if (authorId && isKept(value)) this.heldBy(authorId).set(value.record.id, value)
    }
  }

  /** Reads the open round's records; deletes those of rounds revealed or replaced. */
  async load(): Promise<void> {
    const round = asRound(getSessionMap(this.room.doc).get(BoardSessionKey.privateRound))
    const open = round?.status === 'open' ? round : null
    this.heldRound = open?.id ?? null
    this.held.clear()
    const stale: string[] = []
    for (const { key, value } of await this.storage.listBoardSecrets(this.room.boardId, PRIVATE_PREFIX)) {
      const authorId = open && key.startsWith(roundPrefix(open.id)) ? key.slice(roundPrefix(open.id).length).split('/')[0] : undefined
      if (authorId && isKept(value)) this.heldBy(authorId).set(value.record.id, value)
      else stale.push(key)
    }
    if (stale.length > 0) {
      await this.storage.putBoardSecrets(
        this.room.boardId,
        stale.map((key) => ({ key, value: null })),
      )
      this.room.logger.info('private records of a closed round deleted on load', { count: stale.length })
    }
    if (open) {
      const { writers, shapes } = this.counts()
      if (open.writers !== writers || open.shapes !== shapes) await this.updateCounts()
    }
  }

  /** Sends a participant who said hello their own private records in the open round (all of them: `full`). */
  sendOwnRecords(connection: Connection): void {
    if (!this.roundId || connection.role === 'viewer') return
    const mine = this.held.get(connection.identity.id)
    if (!mine && connection.role !== 'participant') return
    connection.sendEvent({ type: 'private.records', roundId: this.roundId, records: [...(mine?.values() ?? [])].map((k) => k.record), removed: [], full: true })
  }

  async run(connection: Connection, command: PrivateCommand): Promise<void> {
    switch (command.type) {
      case 'private.open':
        return this.open(connection, command.prompt)
      case 'private.put':
      case 'private.remove':
        return this.change(connection, command)
      case 'private.reveal':
        return this.reveal(connection, command.roundId)
    }
  }

  /**
   * A client's update, applied but not yet stored: during a round, the records a participant
   * created in it are taken out of the document and kept for them (returned corrections).
   */
  onChange(connection: Connection, changes: readonly DocChange[]): Correction[] {
    for (const change of changes) if (isRecordChange(change) && change.before !== undefined && change.after === undefined) this.rememberDeleted(change.path[0]!)
    if (connection.role !== 'participant') return []
    // As before this update: a client cannot close the round (or change the mode) for its own notes.
    const round = asRound(sessionValueBefore(this.room.doc, changes, BoardSessionKey.privateRound))
    if (round?.status !== 'open') return []
    const roundId = round.id
    if (roundId !== this.heldRound) {
      // Opened on another instance since this one last looked.
      this.heldRound = roundId
      this.held.clear()
    }
    const author = connection.identity
    const mine = this.held.get(author.id)
    const created = new Map<string, DocChange>()
    for (const change of changes) {
      if (!isRecordChange(change) || change.before !== undefined || change.after === undefined) continue
      const id = change.path[0]!
      const typeName = asRecord(change.after)?.typeName
      if ((typeName === 'shape' || typeName === 'asset') && !this.deletedFromBoard.has(id)) created.set(id, change)
    }
    // Bindings whose arrow is private are private too.
    for (const change of changes) {
      const record = isRecordChange(change) && change.before === undefined ? asRecord(change.after) : undefined
      if (record?.typeName === 'binding' && typeof record.fromId === 'string' && (created.has(record.fromId) || mine?.has(record.fromId))) created.set(change.path[0]!, change)
    }
    if (created.size === 0) return []
    const records = getRecordsMap(this.room.doc)
    const verdicts = judgePrivateRecords({
      role: 'participant',
      authorId: author.id,
      mode: this.modeBefore(changes),
      assetPrefix: boardAssetPrefix(this.room.boardId),
      publicRecord: (id) => (created.has(id) ? undefined : asRecord(records.get(id))),
      held: this.recordsOf(author.id),
      puts: new Map([...created].map(([id, change]) => [id, change.after])),
      removes: new Set(),
    })
    const corrections: Correction[] = []
    for (const [id, change] of created) {
      const rule = verdicts.refused.get(id)
      corrections.push({ change, value: undefined, rule: rule ?? DIVERTED, refused: rule !== undefined })
    }
    // A change of the board in the same update pointing to a record now private would point to nothing.
    for (const change of changes) {
      const record = isRecordChange(change) && !created.has(change.path[0]!) ? asRecord(change.after) : undefined
      if (record && referencesOf(record).some((ref) => created.has(ref.id))) corrections.push({ change, value: change.before, rule: Rule.missingReference, refused: true })
    }
    if (verdicts.accepted.size > 0) {
      const write = this.keep(roundId, author, verdicts)
      // Nobody receives the correction before what it took out is durable.
      this.room.holdRelayUntil(write)
      write.then(
        () => {
          this.tellAuthor(roundId, author.id, verdicts, null)
          void this.updateCounts()
        },
        // The room fails with it (its clients reconnect and send their records again).
        (err) => this.room.logger.error('keeping a diverted private record failed', { err }),
      )
      this.room.logger.debug('new records kept private during a round', { identity: author.id, count: verdicts.accepted.size })
    }
    return corrections
  }

  private heldBy(authorId: string): Map<string, KeptRecord> {
    let mine = this.held.get(authorId)
    if (!mine) this.held.set(authorId, (mine = new Map()))
    return mine
  }

  private recordsOf(authorId: string): Map<string, StoredRecord> {
    return new Map([...(this.held.get(authorId) ?? [])].map(([id, kept]) => [id, kept.record]))
  }

  private modeBefore(changes: readonly DocChange[]): EditingMode {
    return editingModeOf(sessionValueBefore(this.room.doc, changes, BoardSessionKey.editing))
  }

  private rememberDeleted(id: string): void {
    this.deletedFromBoard.delete(id)
    this.deletedFromBoard.set(id, true)
    if (this.deletedFromBoard.size > DELETED_REMEMBERED) this.deletedFromBoard.delete(this.deletedFromBoard.keys().next().value!)
  }

  /** Applies accepted changes to what is held (at once), and writes them to storage (resolves once durable). */
  private keep(roundId: string, author: ConnectionIdentity, verdicts: PrivateVerdicts): Promise<void> {
    const mine = this.heldBy(author.id)
    const named = { name: author.name, color: author.color }
    const entries = [
      ...[...verdicts.accepted].map(([id, record]) => ({ key: entryKey(roundId, author.id, id), value: { record, author: named } satisfies KeptRecord })),
      ...[...verdicts.removed].map((id) => ({ key: entryKey(roundId, author.id, id), value: null })),
    ]
    for (const [id, record] of verdicts.accepted) mine.set(id, { record, author: named })
    for (const id of verdicts.removed) mine.delete(id)
    if (mine.size === 0) this.held.delete(author.id)
    const write = this.storage.putBoardSecrets(this.room.boardId, entries)
    const tracked = write.catch(() => {}).finally(() => this.writes.delete(tracked))
    this.writes.add(tracked)
    return write
  }

  /** Sends the author's connections (but `except`, and viewers) what changed in their private records. */
  private tellAuthor(roundId: string, authorId: string, verdicts: PrivateVerdicts, except: Connection | null): void {
    const event: ServerEvent = { type: 'private.records', roundId, records: [...verdicts.accepted.values()], removed: [...verdicts.removed], full: false }
    this.room.broadcastEvent(event, { identityId: authorId, roles: ['participant', 'facilitator'], except })
  }

  private counts(): { writers: number; shapes: number } {
    let writers = 0
    let shapes = 0
    for (const mine of this.held.values()) {
      let n = 0
      for (const { record } of mine.values()) if (record.typeName === 'shape') n++
      if (n > 0) writers++
      shapes += n
    }
    return { writers, shapes }
  }

  /**
   * Writes how many wrote how many shapes into the open round, counted from storage (every
   * instance's participants); computed when applied, so queued writes settle on the last counts.
   */
  private async updateCounts(): Promise<void> {
    const roundId = this.roundId
    if (roundId) await this.reloadHeld(roundId).catch((err) => this.room.logger.warn('reading the private round from storage failed: counted from memory', { err }))
    this.countsWrite ??= this.room
      .transact((doc) => {
        this.countsWrite = null
        const round = asRound(getSessionMap(doc).get(BoardSessionKey.privateRound))
        if (round?.status !== 'open' || round.id !== this.roundId) return
        const { writers, shapes } = this.counts()
        if (round.writers !== writers || round.shapes !== shapes) getSessionMap(doc).set(BoardSessionKey.privateRound, { ...round, writers, shapes })
      })
      .catch((err) => {
        this.countsWrite = null
        // Counts are shown, not relied upon: the records are safe in storage, and load counts again.
        this.room.logger.error('writing a private round’s counts failed', { err })
      })
    return this.countsWrite
  }

  private openRound(roundId?: string): PrivateRoundState | null {
    const round = asRound(getSessionMap(this.room.doc).get(BoardSessionKey.privateRound))
    return round?.status === 'open' && round.id === this.roundId && (roundId === undefined || round.id === roundId) ? round : null
  }

  private async open(connection: Connection, prompt: string): Promise<void> {
    requireFacilitator(connection, 'open a private round')
    if (this.openRound()) throw invalid('a private round is already open: reveal it first')
    const round: PrivateRoundState = { id: generateId(), status: 'open', prompt, by: connection.identity.id, openedAt: isoNow(), writers: 0, shapes: 0 }
    await this.room.transact((doc) => {
      getSessionMap(doc).set(BoardSessionKey.privateRound, round)
      // From the moment it is in the document: the next update is judged under this round.
      this.heldRound = round.id
      this.held.clear()
    })
    this.room.logger.info('private round opened', { roundId: round.id, by: connection.identity.id })
  }

  private async change(connection: Connection, command: Extract<PrivateCommand, { type: 'private.put' | 'private.remove' }>): Promise<void> {
    if (connection.role === 'viewer') throw new CommandError(CommandErrorCode.forbidden, 'viewers cannot write')
    if (connection.role === 'facilitator') throw new CommandError(CommandErrorCode.forbidden, 'facilitators write on the board itself during a private round')
    if (!this.openRound(command.roundId)) throw invalid('this private round is not open')
    const roundId = command.roundId
    const author = connection.identity
    const records = getRecordsMap(this.room.doc)
    const verdicts = judgePrivateRecords({
      role: 'participant',
      authorId: author.id,
      mode: this.modeBefore([]),
      assetPrefix: boardAssetPrefix(this.room.boardId),
      publicRecord: (id) => asRecord(records.get(id)),
      held: this.recordsOf(author.id),
      puts: command.type === 'private.put' ? new Map(command.records.map((r) => [r.id, r])) : new Map(),
      removes: command.type === 'private.remove' ? new Set(command.ids) : new Set(),
    })
    if (verdicts.refused.size > 0) {
      const listed = [...verdicts.refused].slice(0, 5).map(([id, rule]) => `${id} (${rule})`)
      throw invalid(`nothing was kept: ${listed.join(', ')}${verdicts.refused.size > 5 ? ` and ${verdicts.refused.size - 5} more` : ''} cannot be written`)
    }
    // Removing what is not held (already removed, a retry) changes nothing.
    if (verdicts.accepted.size === 0 && verdicts.removed.size === 0) return
    try {
      await this.keep(roundId, author, verdicts)
    } catch (err) {
      // What is held follows storage again; the author is told it failed (nothing was kept).
      await this.reloadAuthor(author.id)
      throw err
    }
    this.tellAuthor(roundId, author.id, verdicts, connection)
    await this.updateCounts()
  }

  private async reloadAuthor(authorId: string): Promise<void> {
    const roundId = this.roundId
    if (!roundId) return
    this.held.delete(authorId)
    for (const { value } of await this.storage.listBoardSecrets(this.room.boardId, `${roundPrefix(roundId)}${authorId}/`)) {
      if (isKept(value)) this.heldBy(authorId).set(value.record.id, value)
    }
  }

  private async reveal(connection: Connection, roundId: string): Promise<void> {
    requireFacilitator(connection, 'reveal a private round')
    if (!this.openRound(roundId)) throw invalid('this private round is not open')
    // Every participant's records, whichever instance they write through.
    await this.reloadHeld(roundId)
    const names = await peopleNamed(this.room, this.storage, this.held.keys())
    let revealed: Reveal | null = null
    await this.room.transact((doc) => {
      // Read when applied: records diverted until this very moment are revealed too.
      const round = asRound(getSessionMap(doc).get(BoardSessionKey.privateRound))
      if (round?.status !== 'open' || round.id !== roundId) return
      const entries: PrivateEntry[] = []
      const authors: Record<string, { name: string; color: string }> = {}
      for (const [authorId, mine] of this.held) {
        for (const kept of mine.values()) entries.push({ authorId, record: kept.record })
        const first = mine.values().next().value
        if (first) authors[authorId] = names.get(authorId) ?? first.author
      }
      revealed = recordsToReveal(doc, round.id, entries, (typeName) => `${typeName}:${generateId()}`)
      const records = getRecordsMap(doc)
      for (const record of revealed.records) records.set(record.id, record)
      const next: PrivateRoundState = { ...round, ...this.counts(), status: 'revealed', revealedAt: isoNow(), authors }
      getSessionMap(doc).set(BoardSessionKey.privateRound, next)
      this.heldRound = null
      this.held.clear()
    })
    const summary = revealed as Reveal | null
    this.room.logger.info('private round revealed', { roundId, records: summary?.records.length ?? 0, reparented: summary?.reparented, dropped: summary?.dropped, renamed: summary?.renamed, by: connection.identity.id })
    try {
      await this.storage.deleteBoardSecrets(this.room.boardId, roundPrefix(roundId))
    } catch (err) {
      // Revealed in the document already: the next load deletes them (they are never sent meanwhile).
      this.room.logger.error('deleting a revealed round’s private records failed: they go at the next load', { roundId, err })
    }
  }
}
