import type { IncomingMessage } from 'node:http'
import * as Y from 'yjs'
import type { Board, EmptiedBin, LabBin, LabEvent, TldrImport } from '../../shared/lab'
import { CloseCode } from '../../shared/protocol'
import { canManageLab } from '../../shared/roles'
import { isId, LIMITS, validateDuplicateBoard, validateImportBoard, validateUpdateBoard } from '../../shared/validation'
import { authorizeLab } from '../access/authorize'
import { generateId } from '../access/tokens'
import type { BinnedBoards } from '../boards/BinnedBoards'
import { copyBoardContent, docFromUpdates, encodeBoardContent } from '../boards/boardState'
import type { LabEventHub } from '../lab/LabEventHub'
import type { Storage } from '../persistence/Storage'
import type { RoomManager } from '../rooms/RoomManager'
import { MAX_TLDR_BYTES, planTldrImport } from '../tldr/importTldr'
import { TldrFileError } from '../tldr/TldrFileError'
import { HttpError } from './HttpError'
import { bearerToken, readBody, readJson, sendJson } from './io'
import type { Router } from './Router'

export interface BoardManagementDeps {
  storage: Storage
  /** Where a deleted board's connections are closed, and where a board's current state is read. */
  rooms: Pick<RoomManager, 'evict' | 'getRoom' | 'leaveUnjoined' | 'loadedBoardIds'>
  /** The open lab pages: told of every change. */
  events: LabEventHub
  /** Boards deleted here: nobody joins them any more. */
  binned: BinnedBoards
  maxAssetBytes: number
  maxLabAssetBytes: number
  /** Largest `.tldr` file imported; defaults to {@link MAX_TLDR_BYTES}. */
  maxImportBytes?: number
  /**
   * A checkpoint's state as a Yjs update (from the board's history), or null when the board
   * has no such checkpoint. Without it, duplicating from a checkpoint answers 404.
   */
  checkpointState?: (boardId: string, checkpointId: string) => Promise<Uint8Array | null>
}

/** Title of an imported board when neither the request nor the file names it. */
const IMPORTED_TITLE = 'Tableau importé'

const mib = (n: number) => (n / 1024 / 1024).toFixed(1)

/** A title made to fit: control characters out, trimmed, at most {@link LIMITS.title} characters. */
function fitTitle(title: string): string {
  // eslint-disable-next-line no-control-regex
  return title.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, LIMITS.title).trim()
}

/**
 * Managing a lab's boards, for facilitators only: rename, move to another phase, archive
 * (`PATCH /api/boards/:boardId`), duplicate (`POST …/duplicate`), delete to the lab's bin
 * (`DELETE /api/boards/:boardId`: its connections closed with 4404, the board then gone for
 * everyone), restore (`POST …/restore`), list and empty the bin (`GET`/`DELETE
 * /api/labs/:labId/bin`), and make a board from a `.tldr` file (`POST
 * /api/labs/:labId/boards/import`). Every change is pushed to the lab's open pages.
 */
export function addBoardManagementRoutes(router: Router, deps: BoardManagementDeps): void {
  const { storage, rooms, events, binned } = deps
  const maxImportBytes = deps.maxImportBytes ?? MAX_TLDR_BYTES

  /**
   * The board `boardId` for a facilitator of its lab: 404 when it does not exist (for anyone
   * but a facilitator, also when it is in the bin), 401/403 for a token that does not open its
   * lab, 403 `role.facilitatorOnly` for another role; in the bin and not `inBin` (or the
   * other way round), 404 with the reason.
   */
  async function managedBoard(req: IncomingMessage, boardId: string, inBin = false): Promise<Board> {
    const board = isId(boardId) ? await storage.getBoard(boardId, { includeDeleted: true }) : null
    if (!board) throw new HttpError(404, 'board.notFound', 'board not found')
    const role = await authorizeLab(storage, board.labId, bearerToken(req))
    if (board.deletedAt !== null && !canManageLab(role)) throw new HttpError(404, 'board.notFound', 'board not found')
    if (!canManageLab(role)) throw new HttpError(403, 'role.facilitatorOnly', 'only a facilitator can manage boards')
    if (board.deletedAt !== null && !inBin) throw new HttpError(404, 'board.notFound', "this board is in the lab's bin: restore it first")
    if (board.deletedAt === null && inBin) throw new HttpError(404, 'board.notFound', "this board is not in the lab's bin")
    return board
  }

  async function managedLab(req: IncomingMessage, labId: string): Promise<void> {
    const role = await authorizeLab(storage, labId, bearerToken(req))
    if (!canManageLab(role)) throw new HttpError(403, 'role.facilitatorOnly', "only a facilitator can manage the lab's boards")
  }

  const publishBoard = (board: Board) => events.publish(board.labId, { type: 'board', board } satisfies LabEvent)
  /** The bin as it is now, to the lab's facilitators' pages. */
  async function publishBin(labId: string): Promise<void> {
    if (!events.hasListeners(labId)) return
    const boards = await storage.listDeletedBoards(labId)
    events.publish(labId, { type: 'bin', boards } satisfies LabEvent, ['facilitator'])
  }

  /** Refuses images that would take the lab past its quota (413 `assets.quota`). */
  async function checkQuota(labId: string, adding: number): Promise<void> {
    if (adding === 0) return
    const used = await storage.labAssetBytes(labId)
    if (used + adding > deps.maxLabAssetBytes) {
      throw new HttpError(413, 'assets.quota', `this lab's images already take ${mib(used)} MiB of its ${mib(deps.maxLabAssetBytes)} MiB; the new board's would add ${mib(adding)} MiB`)
    }
  }

  /** A board's state now: its room's when it is in memory (once what it received is stored), else what storage holds. */
  async function currentState(boardId: string): Promise<Y.Doc> {
    if (rooms.loadedBoardIds.includes(boardId)) {
      const room = await rooms.getRoom(boardId)
      try {
        await room.settle()
        return docFromUpdates([Y.encodeStateAsUpdate(room.doc)])
      } finally {
        rooms.leaveUnjoined(room)
      }
    }
    return docFromUpdates((await storage.loadUpdates(boardId)).updates)
  }

  router.add('PATCH', '/api/boards/:boardId', async ({ req, res, params }) => {
    const board = await managedBoard(req, params.boardId!)
    const input = validateUpdateBoard(await readJson(req))
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    const updated = await storage.updateBoard(board.id, input.value, new Date().toISOString())
    if (!updated) throw new HttpError(404, 'board.notFound', 'board not found')
    publishBoard(updated)
    sendJson(res, 200, updated)
  })

  router.add('POST', '/api/boards/:boardId/duplicate', async ({ req, res, params }) => {
    const source = await managedBoard(req, params.boardId!)
    const input = validateDuplicateBoard(await readJson(req))
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    let state: Y.Doc
    if (input.value.checkpointId !== null) {
      const checkpointId = input.value.checkpointId
      const unreadable = (err: unknown) => new HttpError(422, 'checkpoint.unreadable', `this checkpoint's state cannot be read: ${(err as Error).message}`)
      const update = await Promise.resolve(deps.checkpointState?.(source.id, checkpointId) ?? null).catch((err: unknown) => {
        throw unreadable(err)
      })
      if (!update) throw new HttpError(404, 'checkpoint.notFound', 'this board has no such checkpoint')
      try {
        state = docFromUpdates([update])
      } catch (err) {
        throw unreadable(err)
      }
    } else {
      state = await currentState(source.id)
    }
    const now = new Date().toISOString()
    const id = generateId()
    let copy: ReturnType<typeof copyBoardContent>
    try {
      copy = copyBoardContent(state, source.id, id)
    } finally {
      state.destroy()
    }
    // Its images are copied with it: the copy stands alone (deleting the original leaves it whole).
    const sizes = new Map((await storage.listAssets(source.id)).map((a) => [a.id, a.size]))
    const assetIds = copy.assetIds.filter((assetId) => sizes.has(assetId))
    await checkQuota(source.labId, assetIds.reduce((n, assetId) => n + sizes.get(assetId)!, 0))
    const board: Board = {
      id,
      labId: source.labId,
      title: input.value.title ?? fitTitle(`${source.title} (copie)`),
      phase: input.value.phase ?? source.phase,
      template: source.template,
      createdAt: now,
      updatedAt: now,
      archived: false,
      deletedAt: null,
    }
    await storage.createBoard(board, encodeBoardContent(copy.content), { copy: { fromBoardId: source.id, assetIds, createdAt: now } })
    publishBoard(board)
    sendJson(res, 201, board)
  })

  router.add('DELETE', '/api/boards/:boardId', async ({ req, res, params }) => {
    const board = await managedBoard(req, params.boardId!)
    const deleted = await storage.updateBoard(board.id, { deletedAt: new Date().toISOString() }, new Date().toISOString())
    if (!deleted) throw new HttpError(404, 'board.notFound', 'board not found')
    // From now on storage hides it (upgrades, tickets, images: 404); one let in just before is
    // refused by the room, and whoever is on it is closed with 4404 (the client does not retry).
    binned.add(board.id)
    await rooms.evict(board.id, CloseCode.boardGone, 'this board was deleted')
    events.publish(board.labId, { type: 'boardRemoved', boardId: board.id } satisfies LabEvent)
    await publishBin(board.labId)
    sendJson(res, 200, deleted)
  })

  router.add('POST', '/api/boards/:boardId/restore', async ({ req, res, params }) => {
    const board = await managedBoard(req, params.boardId!, true)
    // The body says nothing (clients may send `{}`).
    await readBody(req, 1024)
    const restored = await storage.updateBoard(board.id, { deletedAt: null }, new Date().toISOString())
    // Emptied meanwhile: gone for good.
    if (!restored) throw new HttpError(404, 'board.notFound', 'board not found')
    binned.delete(board.id)
    publishBoard(restored)
    await publishBin(board.labId)
    sendJson(res, 200, restored)
  })

  router.add('GET', '/api/labs/:labId/bin', async ({ req, res, params }) => {
    await managedLab(req, params.labId!)
    const body: LabBin = { boards: await storage.listDeletedBoards(params.labId!) }
    sendJson(res, 200, body)
  })

  router.add('DELETE', '/api/labs/:labId/bin', async ({ req, res, params }) => {
    const labId = params.labId!
    await managedLab(req, labId)
    // A binned board's room may be in memory again (someone let in before it was deleted):
    // out of memory first, so nothing is written for it once it is gone.
    for (const board of await storage.listDeletedBoards(labId)) await rooms.evict(board.id, CloseCode.boardGone, 'this board was deleted')
    const body: EmptiedBin = { deleted: await storage.emptyBin(labId) }
    await publishBin(labId)
    sendJson(res, 200, body)
  })

  router.add('POST', '/api/labs/:labId/boards/import', async ({ req, res, params, url }) => {
    const labId = params.labId!
    await managedLab(req, labId)
    const lab = await storage.getLab(labId)
    if (!lab) throw new HttpError(404, 'lab.notFound', 'lab not found')
    const input = validateImportBoard(url.searchParams)
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    const type = (req.headers['content-type'] ?? '').toLowerCase()
    if (/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/.test(type)) {
      throw new HttpError(415, 'body.contentType', 'send the .tldr file itself as the body (title and phase in the query)')
    }
    const bytes = await readBody(req, maxImportBytes)
    const now = new Date().toISOString()
    const id = generateId()
    let plan: Awaited<ReturnType<typeof planTldrImport>>
    try {
      plan = await planTldrImport(bytes, {
        boardId: id,
        maxAssetBytes: deps.maxAssetBytes,
        createdAt: now,
        newId: generateId,
        isLabIdentity: async (identityId) => (await storage.getIdentity(identityId))?.labId === labId,
      })
    } catch (err) {
      if (err instanceof TldrFileError) throw new HttpError(err.status, err.code, err.message)
      throw err
    }
    await checkQuota(labId, plan.images.reduce((n, image) => n + image.asset.size, 0))
    const board: Board = {
      id,
      labId,
      title: input.value.title ?? (fitTitle(plan.documentName) || IMPORTED_TITLE),
      phase: input.value.phase ?? lab.phase,
      template: null,
      createdAt: now,
      updatedAt: now,
      archived: false,
      deletedAt: null,
    }
    // The board, its first state and its images in one transaction: all or nothing.
    await storage.createBoard(board, encodeBoardContent(plan.content), { add: plan.images })
    publishBoard(board)
    const body: TldrImport = { board, shapes: plan.shapes, images: { imported: plan.images.length, dropped: plan.dropped } }
    sendJson(res, 201, body)
  })
}
