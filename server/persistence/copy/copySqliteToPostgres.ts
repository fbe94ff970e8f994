import type { PoolClient } from 'pg'
import { boardCounts, isEmptyBoard, type BoardCounts } from './boardContent'
import { boardChecksum, replayedState } from './boardChecksum'
import { boardDifferences, labDifferences, sameBytes, sameIdentity, differentFields } from './contentDifferences'
import { withoutPassword } from '../../logger'
import { PostgresTarget, type PostgresBoardContent } from './PostgresTarget'
import { SqliteSource } from './SqliteSource'

/** Options of {@link copySqliteToPostgres}. */
export interface CopyOptions {
  /** The SQLite server's `DATA_DIR` (its `fabrique.db`). */
  dataDir: string
  /** `postgres://…` */
  databaseUrl: string
  /** The schema to copy into (it must exist); default: the connection's own `search_path`. */
  schema?: string
  /** Compare only: write nothing, not even PostgreSQL's tables. */
  verifyOnly?: boolean
  /** Told as the copy goes (synchronously; a throw aborts the lab being copied, which is then not written). */
  onProgress?: (event: CopyEvent) => void
}

/**
 * What happened to a row or a board: `copied` (it was not in PostgreSQL), `already copied`
 * (there, equal: left alone), `conflict` (there, different: left alone, reported), `missing`
 * (verifying only: not in PostgreSQL).
 */
export type CopyAction = 'copied' | 'already copied' | 'conflict' | 'missing'

export interface SettingReport {
  key: string
  action: CopyAction
}

export interface LabReport {
  labId: string
  title: string
  /** What happened to the lab's own row. */
  action: CopyAction
  /** Its boards, those in its bin included. */
  boards: number
  identities: { total: number; copied: number }
  /** What differs (its row's fields, identities), for a conflict. */
  differences: string[]
}

export interface BoardReport {
  boardId: string
  labId: string
  title: string
  action: CopyAction
  /** What SQLite holds of it. */
  counts: BoardCounts
  /** What PostgreSQL holds of it after the copy. */
  postgresCounts: BoardCounts
  /** SHA-256 of everything of the board (see boardChecksum), from SQLite… */
  checksum: string
  /** …and from PostgreSQL, null when PostgreSQL holds nothing of it. */
  postgresChecksum: string | null
  /** Whether the document replayed from each side's log encodes to the same bytes (null: nothing to replay on PostgreSQL). */
  stateEqual: boolean | null
  /** Equal checksums, equal states, and PostgreSQL's log numbered 1..n with its head at n. */
  ok: boolean
  differences: string[]
}

export interface CopyReport {
  source: { file: string; schemaVersion: number }
  target: { url: string; schema: string }
  verifyOnly: boolean
  settings: SettingReport[]
  labs: LabReport[]
  boards: BoardReport[]
  /** Rows of boards that no longer exist (no lab owns them): counted, not copied. */
  orphans: { updates: number; assets: number }
  /** Everything verified equal: no conflict, nothing missing. */
  ok: boolean
  elapsedMs: number
}

export type CopyEvent =
  | { type: 'start'; source: CopyReport['source']; target: CopyReport['target']; verifyOnly: boolean }
  /** A board compared (and inserted when `copied`) inside its lab's transaction, not yet committed. */
  | { type: 'board compared'; labId: string; boardId: string; action: CopyAction }
  /** A lab's transaction committed (verifying only: compared). */
  | { type: 'lab done'; lab: LabReport }
  /** A board read back from both sides and compared. */
  | { type: 'board verified'; board: BoardReport }

/** Nothing of a board: how PostgreSQL reads when it has no tables yet. */
const NOTHING: PostgresBoardContent = { board: null, updates: [], seqs: [], logHead: null, assets: [], checkpoints: [], bin: [], secrets: [] }

/**
 * Copies everything a SQLite `DATA_DIR` holds into PostgreSQL — the server's signing key,
 * labs (token hashes, invitations), identities, boards (those archived or in a lab's bin too)
 * with their whole update log, images, checkpoints, bins and kept secrets — then reads every
 * board back from both and compares them.
 *
 * - One transaction per lab: a run stopped midway leaves whole labs, and the next run goes on.
 * - Idempotent: what PostgreSQL already holds equal is left alone (`already copied`); what it
 *   holds different — a board edited there since — is never overwritten, only reported
 *   (`conflict`). Missing rows are added, even to a lab already there.
 * - A board's log keeps its rows and their order; PostgreSQL numbers them 1..n per board, and
 *   its head row says n, as `PostgresStorage` numbers its own.
 *
 * Throws a `CopyInputError` (nothing written) when the input is not usable, and any other
 * error as it happens (the lab being copied is rolled back; those before it stay).
 */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const started = performance.now()
  const verifyOnly = options.verifyOnly ?? false
  const notify = options.onProgress ?? (() => {})
  const source = SqliteSource.open(options.dataDir)
  try {
    const target = await PostgresTarget.connect(options.databaseUrl, { ...(options.schema !== undefined && { schema: options.schema }) })
    try {
      let hasTables = (await target.schemaVersion()) > 0
      if (!verifyOnly) {
        await target.migrate()
        hasTables = true
      }
      const report: CopyReport = {
        source: { file: source.file, schemaVersion: source.schemaVersion },
        target: { url: withoutPassword(options.databaseUrl), schema: target.schema },
        verifyOnly,
        settings: [],
        labs: [],
        boards: [],
        orphans: source.orphans(),
        ok: false,
        elapsedMs: 0,
      }
      notify({ type: 'start', source: report.source, target: report.target, verifyOnly })
      const copy = new CopyRun(source, target, hasTables, verifyOnly, notify)
      report.settings = await copy.settings()
      for (const labId of source.labIds()) {
        const { lab, actions } = await copy.lab(labId)
        report.labs.push(lab)
        notify({ type: 'lab done', lab })
        for (const [boardId, action] of actions) {
          const board = await copy.verify(labId, boardId, action)
          report.boards.push(board)
          notify({ type: 'board verified', board })
        }
      }
      report.ok =
        report.settings.every((s) => s.action === 'copied' || s.action === 'already copied') &&
        report.labs.every((l) => (l.action === 'copied' || l.action === 'already copied') && l.differences.length === 0) &&
        report.boards.every((b) => b.ok)
      report.elapsedMs = performance.now() - started
      return report
    } finally {
      await target.close()
    }
  } finally {
    source.close()
  }
}

/** The steps of one run: settings, then each lab in its transaction, then each board read back. */
class CopyRun {
  constructor(
    private readonly source: SqliteSource,
    private readonly target: PostgresTarget,
    private readonly hasTables: boolean,
    private readonly verifyOnly: boolean,
    private readonly notify: (event: CopyEvent) => void,
  ) {}

  /** In a transaction of their own; verifying only, compared. */
  async settings(): Promise<SettingReport[]> {
    const settings = this.source.settings()
    const compare = async (client: PoolClient | null) => {
      const q = client ?? this.target.queryable
      const theirs = this.hasTables ? new Map((await this.target.settings(q, settings.map((s) => s.key))).map((s) => [s.key, s.value])) : new Map<string, Uint8Array>()
      const reports: SettingReport[] = []
      for (const setting of settings) {
        const there = theirs.get(setting.key)
        if (there) reports.push({ key: setting.key, action: sameBytes(there, setting.value) ? 'already copied' : 'conflict' })
        else if (client) {
          await this.target.insertSetting(client, setting)
          reports.push({ key: setting.key, action: 'copied' })
        } else reports.push({ key: setting.key, action: 'missing' })
      }
      return reports
    }
    return this.verifyOnly ? compare(null) : this.target.transaction(compare)
  }

  /** A lab, its identities and its boards, in one transaction (verifying only: compared). Resolves with what happened to each board. */
  async lab(labId: string): Promise<{ lab: LabReport; actions: Map<string, CopyAction> }> {
    const work = async (client: PoolClient | null) => {
      const q = client ?? this.target.queryable
      const ours = this.source.lab(labId)
      const theirs = this.hasTables ? await this.target.lab(q, labId) : { lab: null, identities: [] }
      const boardIds = this.source.boardIds(labId)
      const lab: LabReport = {
        labId,
        title: ours.lab!.title,
        action: 'already copied',
        boards: boardIds.length,
        identities: { total: ours.identities.length, copied: 0 },
        differences: [],
      }
      let conflict = false
      let missing = false
      if (!theirs.lab) {
        if (client) await this.target.insertLab(client, ours.lab!)
        lab.action = client ? 'copied' : 'missing'
      } else {
        lab.differences.push(...labDifferences(ours.lab!, theirs.lab))
        conflict = lab.differences.length > 0
      }
      // Identities made on PostgreSQL since the copy are theirs: only SQLite's are compared.
      const theirIdentities = new Map(theirs.identities.map((i) => [i.id, i]))
      for (const identity of ours.identities) {
        const there = theirIdentities.get(identity.id)
        if (there && !sameIdentity(identity, there)) {
          lab.differences.push(`identity ${identity.id}: fields differ: ${differentFields(identity, there).join(', ')}`)
          conflict = true
        } else if (!there && client) {
          await this.target.insertIdentity(client, identity)
          lab.identities.copied++
        } else if (!there && theirs.lab) {
          lab.differences.push(`identity ${identity.id}: not in PostgreSQL`)
          missing = true
        }
      }
      if (lab.action === 'already copied') lab.action = conflict ? 'conflict' : missing ? 'missing' : lab.identities.copied > 0 ? 'copied' : 'already copied'
      const actions = new Map<string, CopyAction>()
      for (const boardId of boardIds) {
        const action = await this.board(client, boardId)
        actions.set(boardId, action)
        this.notify({ type: 'board compared', labId, boardId, action })
      }
      return { lab, actions }
    }
    if (this.verifyOnly) return work(null)
    try {
      return await this.target.transaction(work)
    } catch (err) {
      throw new Error(`copy of lab ${labId} failed, nothing of it written (the labs before it are copied: run again to go on): ${(err as Error).message}`, { cause: err })
    }
  }

  /** Inserts a board PostgreSQL lacks (with a transaction's client); says what it found. */
  private async board(client: PoolClient | null, boardId: string): Promise<CopyAction> {
    const ours = this.source.board(boardId)
    const theirs = this.hasTables ? await this.target.board(client ?? this.target.queryable, boardId) : NOTHING
    if (isEmptyBoard(theirs)) {
      if (!client) return 'missing'
      await this.target.insertBoard(client, ours)
      return 'copied'
    }
    return boardChecksum(ours) === boardChecksum(theirs) ? 'already copied' : 'conflict'
  }

  /** Reads a board back from both databases, after its lab's commit, and compares them. */
  async verify(labId: string, boardId: string, action: CopyAction): Promise<BoardReport> {
    const ours = this.source.board(boardId)
    const theirs = this.hasTables ? await this.target.board(this.target.queryable, boardId) : NOTHING
    const checksum = boardChecksum(ours)
    const report: BoardReport = {
      boardId,
      labId,
      title: ours.board!.title,
      action,
      counts: boardCounts(ours),
      postgresCounts: boardCounts(theirs),
      checksum,
      postgresChecksum: null,
      stateEqual: null,
      ok: false,
      differences: [],
    }
    if (isEmptyBoard(theirs)) {
      report.differences.push('not in PostgreSQL')
      return report
    }
    report.postgresChecksum = boardChecksum(theirs)
    report.stateEqual = sameBytes(replayedState(ours.updates), replayedState(theirs.updates))
    if (report.postgresChecksum === checksum) report.differences.push(...numberingDifferences(theirs))
    else report.differences.push(...boardDifferences(ours, theirs))
    if (!report.stateEqual) report.differences.push('the documents replayed from each side differ')
    report.ok = report.postgresChecksum === checksum && report.stateEqual && report.differences.length === 0
    return report
  }
}

/** How PostgreSQL's log of a board departs from rows 1..n with its head at n (what PostgresStorage's appends need). */
function numberingDifferences(board: PostgresBoardContent): string[] {
  const n = board.seqs.length
  const out: string[] = []
  if (board.seqs.some((seq, i) => seq !== i + 1)) out.push(`PostgreSQL's log is not numbered 1..${n}`)
  // An empty log has no head row (or one at 0); the next append then takes number 1.
  const headOk = n === 0 ? board.logHead === null || board.logHead === 0 : board.logHead === n
  if (!headOk) out.push(`PostgreSQL's log head is ${board.logHead ?? 'missing'}, not ${n}`)
  return out
}
