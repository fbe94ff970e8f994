import type { IncomingMessage } from 'node:http'
import type { CheckpointList, CheckpointSummary, BinList, BinRestoreResult, PersonRef, RestoreResult } from '../../shared/history'
import { checkBinRestoreInput, checkCheckpointInput } from '../../shared/history'
import type { Board } from '../../shared/lab'
import { canManageLab, type Role } from '../../shared/roles'
import { isId } from '../../shared/validation'
import { authorizeLab } from '../access/authorize'
import { verifyIdentity } from '../access/identities'
import { binBatches } from '../history/binBatches'
import { decompressState } from '../history/checkpointState'
import type { History } from '../history/createHistory'
import { HistoryError, type HistoryErrorCode } from '../history/HistoryError'
import type { Storage, StoredCheckpoint } from '../persistence/Storage'
import type { Room } from '../rooms/Room'
import type { RoomManager } from '../rooms/RoomManager'
import { findBoard, IDENTITY_HEADER } from './boardRoutes'
import { HttpError } from './HttpError'
import { bearerToken, readJson, sendJson } from './io'
import type { Router } from './Router'

export interface HistoryRoutesDeps {
  storage: Storage
  /** Where a board is loaded to be written (named checkpoints, restore, put-back). */
  rooms: Pick<RoomManager, 'getRoom' | 'leaveUnjoined'>
  history: History
}

const STATUS: Record<HistoryErrorCode, number> = {
  'checkpoint.notFound': 404,
  'bin.notFound': 404,
  'checkpoint.newer': 409,
  'checkpoint.unreadable': 422,
}

/** A checkpoint as the API shows it (what it points to stays inside). */
function summary({ assetIds: _assetIds, ...checkpoint }: StoredCheckpoint): CheckpointSummary {
  return checkpoint
}

/** The board and the caller's role, checked: any member, or facilitators only. */
async function authorizeBoard(storage: Storage, req: IncomingMessage, boardId: string, facilitatorOnly: boolean): Promise<{ board: Board; role: Role }> {
  const board = await findBoard(storage, boardId)
  const role = await authorizeLab(storage, board.labId, bearerToken(req))
  if (facilitatorOnly && !canManageLab(role)) throw new HttpError(403, 'role.facilitatorOnly', 'only a facilitator can do this')
  return { board, role }
}

/** Who asks, when the request says (`X-Fabrique-Identity: <id>.<secret>`): named on the checkpoint or the put-back. */
async function requester(storage: Storage, req: IncomingMessage, board: Board): Promise<PersonRef | null> {
  const header = req.headers[IDENTITY_HEADER]
  const credential = typeof header === 'string' && header.trim() !== '' ? header.trim() : null
  if (credential === null) return null
  const identity = await verifyIdentity(storage, board.labId, credential)
  if (!identity) throw new HttpError(403, 'identity.wrongLab', 'this identity does not belong to this lab')
  return { id: identity.id, name: identity.name }
}

/** Runs `job` on the board loaded in memory; it leaves memory afterwards if nobody is on it. */
async function withRoom<T>(deps: HistoryRoutesDeps, boardId: string, job: (room: Room) => Promise<T>): Promise<T> {
  const room = await deps.rooms.getRoom(boardId)
  try {
    return await job(room)
  } catch (err) {
    if (err instanceof HistoryError) throw new HttpError(STATUS[err.code], err.code, err.message)
    throw err
  } finally {
    deps.rooms.leaveUnjoined(room)
  }
}

/**
 * A board's history: `GET …/checkpoints` (any member), `POST …/checkpoints {name}`
 * (facilitators), `GET …/checkpoints/:checkpointId/state` (any member: the Yjs update),
 * `POST …/checkpoints/:checkpointId/restore`, `GET …/bin`, `POST …/bin/restore {ids | batch}`
 * (facilitators).
 */
export function addHistoryRoutes(router: Router, deps: HistoryRoutesDeps): void {
  const { storage, history } = deps

  router.add('GET', '/api/boards/:boardId/checkpoints', async ({ req, res, params }) => {
    const { board } = await authorizeBoard(storage, req, params.boardId!, false)
    const body: CheckpointList = { checkpoints: (await storage.listCheckpoints(board.id)).map(summary) }
    sendJson(res, 200, body)
  })

  router.add('POST', '/api/boards/:boardId/checkpoints', async ({ req, res, params }) => {
    const { board } = await authorizeBoard(storage, req, params.boardId!, true)
    const input = checkCheckpointInput(await readJson(req))
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    const by = await requester(storage, req, board)
    const checkpoint = await withRoom(deps, board.id, (room) => history.of(room).takeNamed(input.value.name, by))
    sendJson(res, 201, summary(checkpoint))
  })

  router.add('GET', '/api/boards/:boardId/checkpoints/:checkpointId/state', async ({ req, res, params }) => {
    const { board } = await authorizeBoard(storage, req, params.boardId!, false)
    const found = isId(params.checkpointId!) ? await storage.getCheckpoint(board.id, params.checkpointId!) : null
    if (!found) throw new HttpError(404, 'checkpoint.notFound', 'checkpoint not found on this board')
    // Kept gzipped: sent as is to whoever reads gzip (every browser), unpacked for the others.
    const gzipOk = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''))
    const body = gzipOk ? found.state : await decompressState(found.state)
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': body.byteLength,
      'cache-control': 'no-store',
      vary: 'accept-encoding',
      ...(gzipOk && { 'content-encoding': 'gzip' }),
    })
    res.end(body)
  })

  router.add('POST', '/api/boards/:boardId/checkpoints/:checkpointId/restore', async ({ req, res, params }) => {
    const { board } = await authorizeBoard(storage, req, params.boardId!, true)
    const checkpointId = params.checkpointId!
    if (!isId(checkpointId) || !(await storage.getCheckpoint(board.id, checkpointId))) throw new HttpError(404, 'checkpoint.notFound', 'checkpoint not found on this board')
    const by = await requester(storage, req, board)
    const done = await withRoom(deps, board.id, (room) => history.of(room).restore(checkpointId, by))
    const body: RestoreResult = { restored: summary(done.restored), before: summary(done.before), changed: done.changed, removed: done.removed }
    sendJson(res, 200, body)
  })

  router.add('GET', '/api/boards/:boardId/bin', async ({ req, res, params }) => {
    const { board } = await authorizeBoard(storage, req, params.boardId!, true)
    const body: BinList = { batches: binBatches(await storage.listBin(board.id, history.binCutoff())), retentionDays: history.binRetentionDays }
    sendJson(res, 200, body)
  })

  router.add('POST', '/api/boards/:boardId/bin/restore', async ({ req, res, params }) => {
    const { board } = await authorizeBoard(storage, req, params.boardId!, true)
    const input = checkBinRestoreInput(await readJson(req))
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    const by = await requester(storage, req, board)
    const body: BinRestoreResult = await withRoom(deps, board.id, (room) => history.of(room).putBack(input.value, by))
    sendJson(res, 200, body)
  })
}
