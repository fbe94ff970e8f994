import type { Board, CreatedLab, Lab, LabEvent, LabView, RotatedToken } from '../../shared/lab'
import { CloseCode } from '../../shared/protocol'
import { canManageLab, ROLES, type Role } from '../../shared/roles'
import { validateCreateBoard, validateCreateLab, validateUpdateLab } from '../../shared/validation'
import { timingSafeEqual } from 'node:crypto'
import { authorizeLab } from '../access/authorize'
import type { RateLimiter } from '../access/RateLimiter'
import { generateId, generateLabTokens, generateToken, hashToken } from '../access/tokens'
import type { Storage } from '../persistence/Storage'
import type { RoomManager } from '../rooms/RoomManager'
import type { BoardSeeder } from '../rooms/BoardSeeder'
import type { LabEventHub } from '../lab/LabEventHub'
import type { LabPresence } from '../lab/LabPresence'
import { HttpError } from './HttpError'
import { bearerToken, readBody, readJson, sendJson } from './io'
import { clientAddress } from './requestOrigin'
import type { Router } from './Router'

export interface LabRoutesDeps {
  storage: Storage
  seeder: BoardSeeder
  /** Where the open connections of a role are closed when its secret is rotated. */
  rooms: Pick<RoomManager, 'closeConnectionsOf'>
  /** Who may create labs, and how often from one address. */
  creation: { policy: 'open' | 'secret'; adminSecret: string | null; limiter: RateLimiter; trustProxy: boolean }
  /** The open lab pages: told of every change made here. */
  events: LabEventHub
  /** Who is on each board now (for a lab page's first event). */
  presence: Pick<LabPresence, 'snapshot'>
}

/** Whether `given` is the admin secret (compared as hashes, in constant time). */
function isAdminSecret(given: string | null, secret: string | null): boolean {
  if (!given || !secret) return false
  return timingSafeEqual(Buffer.from(hashToken(given), 'hex'), Buffer.from(hashToken(secret), 'hex'))
}

/** `/api/labs…`: create a lab, read and edit it, create its boards, follow it live. */
export function addLabRoutes(router: Router, { storage, seeder, rooms, creation, events, presence }: LabRoutesDeps): void {
  router.add('POST', '/api/labs', async ({ req, res }) => {
    if (creation.policy === 'secret' && !isAdminSecret(bearerToken(req), creation.adminSecret)) {
      throw new HttpError(bearerToken(req) ? 403 : 401, 'labCreation.secretRequired', 'creating a lab needs the admin secret of this server')
    }
    const wait = creation.limiter.take(clientAddress(req, creation.trustProxy))
    if (wait > 0) {
      throw new HttpError(429, 'labs.rateLimited', `too many labs created from this address: retry in ${Math.ceil(wait / 60_000)} min`, { 'retry-after': String(Math.ceil(wait / 1000)) })
    }
    const input = validateCreateLab(await readJson(req))
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    const now = new Date().toISOString()
    const lab: Lab = {
      id: generateId(),
      title: input.value.title,
      theme: '',
      territory: '',
      startDate: null,
      phase: 'detection',
      members: [],
      activities: {},
      createdAt: now,
      updatedAt: now,
    }
    const { tokens, hashes } = generateLabTokens()
    // The participant and viewer links are kept, for facilitators to show them again.
    await storage.createLab(lab, hashes, { participant: tokens.participant, viewer: tokens.viewer })
    const body: CreatedLab = { ...lab, tokens }
    sendJson(res, 201, body)
  })

  router.add('GET', '/api/labs/:labId', async ({ req, res, params }) => {
    const role = await authorizeLab(storage, params.labId!, bearerToken(req))
    const [lab, boards, invitations] = await Promise.all([
      storage.getLab(params.labId!),
      storage.listBoards(params.labId!),
      canManageLab(role) ? storage.getLabInvitations(params.labId!) : null,
    ])
    if (!lab) throw new HttpError(404, 'lab.notFound', 'lab not found')
    const body: LabView = { lab, boards, role, ...(invitations && { invitations }) }
    sendJson(res, 200, body)
  })

  // The lab page, live: Server-Sent Events read with `fetch` (the secret stays in the
  // Authorization header; EventSource cannot send one). See `LabEvent` for what it carries.
  router.add('GET', '/api/labs/:labId/events', async ({ req, res, params }) => {
    const labId = params.labId!
    const token = bearerToken(req)
    let role: Role
    for (;;) {
      // A rotation that lands while the secret is checked must not let the old one through.
      const epochs = ROLES.map((r) => events.secretEpoch(labId, r))
      role = await authorizeLab(storage, labId, token)
      if (ROLES.every((r, i) => events.secretEpoch(labId, r) === epochs[i])) break
    }
    const stream = events.open(labId, role, clientAddress(req, creation.trustProxy), res)
    try {
      const manager = canManageLab(role)
      const [lab, boards, invitations, bin] = await Promise.all([
        storage.getLab(labId),
        storage.listBoards(labId),
        manager ? storage.getLabInvitations(labId) : null,
        manager ? storage.listDeletedBoards(labId) : null,
      ])
      if (!lab) return stream.close()
      stream.start({ type: 'snapshot', lab, boards, role, presence: presence.snapshot(labId), heartbeatMs: events.heartbeatMs, ...(invitations && { invitations }), ...(bin && { bin }) })
    } catch (err) {
      // The status is already sent: the page sees the stream end and reconnects.
      stream.destroy()
      throw err
    }
  })

  router.add('POST', '/api/labs/:labId/tokens/:role/rotate', async ({ req, res, params }) => {
    const labId = params.labId!
    const caller = await authorizeLab(storage, labId, bearerToken(req))
    if (!canManageLab(caller)) throw new HttpError(403, 'role.facilitatorOnly', 'only a facilitator can replace a secret of the lab')
    const role = params.role as Role
    if (!ROLES.includes(role)) throw new HttpError(400, 'input.invalid', `the role must be one of ${ROLES.join(', ')}`)
    // The body says nothing (clients may send `{}`).
    await readBody(req, 1024)
    const token = generateToken()
    if (!(await storage.replaceLabToken(labId, role, hashToken(token), role === 'facilitator' ? null : token))) {
      throw new HttpError(404, 'lab.notFound', 'lab not found')
    }
    // At once: whoever is connected with the old secret is closed (tickets and image grants of
    // that role stop verifying by themselves: they were signed for the old hash).
    rooms.closeConnectionsOf(labId, role, CloseCode.secretRotated, 'this link was replaced by a new one')
    events.closeRole(labId, role)
    if (role !== 'facilitator') {
      const invitations = await storage.getLabInvitations(labId)
      if (invitations) events.publish(labId, { type: 'invitations', invitations }, ['facilitator'])
    }
    const body: RotatedToken = { role, token }
    sendJson(res, 201, body)
  })

  router.add('PATCH', '/api/labs/:labId', async ({ req, res, params }) => {
    const role = await authorizeLab(storage, params.labId!, bearerToken(req))
    if (!canManageLab(role)) throw new HttpError(403, 'role.facilitatorOnly', 'only a facilitator can edit the lab')
    const input = validateUpdateLab(await readJson(req))
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    const lab = await storage.updateLab(params.labId!, input.value, new Date().toISOString())
    if (!lab) throw new HttpError(404, 'lab.notFound', 'lab not found')
    events.publish(lab.id, { type: 'lab', lab } satisfies LabEvent)
    sendJson(res, 200, lab)
  })

  router.add('POST', '/api/labs/:labId/boards', async ({ req, res, params }) => {
    const role = await authorizeLab(storage, params.labId!, bearerToken(req))
    if (!canManageLab(role)) throw new HttpError(403, 'role.facilitatorOnly', 'only a facilitator can create boards')
    const lab = await storage.getLab(params.labId!)
    if (!lab) throw new HttpError(404, 'lab.notFound', 'lab not found')
    const input = validateCreateBoard(await readJson(req), lab.phase, seeder.isTemplateId)
    if (!input.ok) throw new HttpError(400, 'input.invalid', input.error)
    const now = new Date().toISOString()
    const board: Board = {
      id: generateId(),
      labId: lab.id,
      title: input.value.title,
      phase: input.value.phase,
      template: input.value.template,
      createdAt: now,
      updatedAt: now,
      archived: false,
      deletedAt: null,
    }
    await storage.createBoard(board, await seeder.initialUpdate(board, input.value.lang))
    events.publish(lab.id, { type: 'board', board })
    sendJson(res, 201, board)
  })
}
