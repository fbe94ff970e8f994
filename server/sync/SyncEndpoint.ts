import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { SYNC_PATH_PREFIX } from '../../shared/protocol'
import type { Role } from '../../shared/roles'
import { isId } from '../../shared/validation'
import { PERSON_COLORS } from '../../shared/identity'
import { authorizeLab } from '../access/authorize'
import { verifyIdentity } from '../access/identities'
import type { SyncTickets } from '../access/syncTickets'
import { generateId } from '../access/tokens'
import { HttpError } from '../http/HttpError'
import { securityHeaders } from '../http/securityHeaders'
import { clientAddress, isAllowedOrigin } from '../http/requestOrigin'
import { RateLimiter } from '../access/RateLimiter'
import type { Logger } from '../logger'
import type { Storage } from '../persistence/Storage'
import type { Connection, ConnectionIdentity } from '../rooms/Connection'
import type { RoomManager } from '../rooms/RoomManager'
import { CloseCode } from '../../shared/protocol'
import { WsRoomSocket } from './WsRoomSocket'

export interface SyncEndpointOptions {
  storage: Storage
  rooms: RoomManager
  tickets: SyncTickets
  logger: Logger
  maxMessageBytes: number
  pingIntervalMs: number
  publicUrl: string | null
  /** Upgrades one address may make per minute. */
  connectionsPerMinutePerAddress: number
  trustProxy: boolean
}

/** Messages held for a socket while its board loads; more closes it (an honest client sends a few). */
export const MAX_EARLY_MESSAGES = 256

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return data
}

/**
 * WebSocket upgrades on `/sync/<boardId>?ticket=…` (a single-use ticket from
 * `POST /api/boards/:boardId/tickets`: what browsers use, so no secret is ever in a sync URL)
 * or `/sync/<boardId>?token=…&identity=…` (scripts and stock y-websocket clients): checks the
 * ticket, or the token and the identity when one is presented, before any socket exists,
 * then hands the socket to the board's room. Pings every socket and drops those that stop
 * answering.
 *
 * A client without an identity (a stock y-websocket client) gets one for this connection
 * only: what it creates is still stamped, but it is someone new each time it connects.
 */
export class SyncEndpoint {
  private readonly wss: WebSocketServer
  private readonly alive = new WeakMap<WebSocket, boolean>()
  /** WebSocket frames of broadcast messages, built once per message for all recipients. */
  private readonly frames = new WeakMap<object, Buffer>()
  private readonly pingTimer: NodeJS.Timeout
  private accepting = true
  private readonly upgrades: RateLimiter

  constructor(private readonly options: SyncEndpointOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false })
    this.upgrades = new RateLimiter(options.connectionsPerMinutePerAddress, 60_000)
    this.pingTimer = setInterval(() => this.pingAll(), options.pingIntervalMs)
    this.pingTimer.unref()
  }

  get connectionCount(): number {
    return this.wss.clients.size
  }

  /** Handles an HTTP upgrade request; refuses with a status line and `{error, code}` when it cannot be served. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy())
    try {
      if (!this.accepting) throw new HttpError(503, 'server.shuttingDown', 'server is shutting down')
      if (!isAllowedOrigin(req, this.options.publicUrl)) throw new HttpError(403, 'origin.refused', 'cross-site connection refused')
      if (this.upgrades.take(clientAddress(req, this.options.trustProxy)) > 0) throw new HttpError(429, 'rate.limited', 'too many connections from this address')
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (!url.pathname.startsWith(SYNC_PATH_PREFIX)) throw new HttpError(404, 'endpoint.notFound', 'not a sync endpoint')
      const boardId = url.pathname.slice(SYNC_PATH_PREFIX.length)
      if (!isId(boardId)) throw new HttpError(404, 'board.notFound', 'board not found')
      const board = await this.options.storage.getBoard(boardId)
      if (!board) throw new HttpError(404, 'board.notFound', 'board not found')
      // Read before the secret is checked: a rotation meanwhile is caught when joining the room.
      const epochs = { facilitator: this.options.rooms.secretEpoch(board.labId, 'facilitator'), participant: this.options.rooms.secretEpoch(board.labId, 'participant'), viewer: this.options.rooms.secretEpoch(board.labId, 'viewer') }
      const ticket = url.searchParams.get('ticket')
      const { role, identity } = ticket !== null ? await this.redeem(ticket, boardId, board.labId) : await this.authorize(board.labId, url.searchParams)
      if (!this.accepting) throw new HttpError(503, 'server.shuttingDown', 'server is shutting down')
      this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, board.labId, boardId, role, identity, epochs[role]))
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500
      const message = err instanceof HttpError ? err.message : 'internal error'
      const code = err instanceof HttpError ? err.code : 'internal'
      if (status === 500) this.options.logger.error('upgrade failed', { err })
      const body = JSON.stringify({ error: message, code })
      const headers = Object.entries(securityHeaders(req, this.options.publicUrl))
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')
      socket.end(
        `HTTP/1.1 ${status} ${httpReason(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
      )
    }
  }

  /** `?token=…&identity=…`: the token's role, the identity it presents (or one of its own). */
  private async authorize(labId: string, params: URLSearchParams): Promise<{ role: Role; identity: ConnectionIdentity }> {
    const role = await authorizeLab(this.options.storage, labId, params.get('token'))
    return { role, identity: await this.identify(labId, params.get('identity')) }
  }

  /** `?ticket=…`: the role and identity the ticket was issued for; 401 `ticket.invalid` otherwise. */
  private async redeem(ticket: string, boardId: string, labId: string): Promise<{ role: Role; identity: ConnectionIdentity }> {
    const invalid = () => new HttpError(401, 'ticket.invalid', 'this sync ticket is not valid (unknown, expired, already used, for another board or a replaced secret)')
    const redeemed = await this.options.tickets.redeem(ticket, boardId, labId)
    if (!redeemed) throw invalid()
    if (redeemed.identityId === null) return { role: redeemed.role, identity: anonymousIdentity() }
    const identity = await this.options.storage.getIdentity(redeemed.identityId)
    if (!identity || identity.labId !== labId) throw invalid()
    return { role: redeemed.role, identity: { id: identity.id, name: identity.name, color: identity.color, ephemeral: false } }
  }

  private async identify(labId: string, credential: string | null): Promise<ConnectionIdentity> {
    if (credential === null) return anonymousIdentity()
    const identity = await verifyIdentity(this.options.storage, labId, credential)
    if (!identity) throw new HttpError(403, 'identity.wrongLab', 'this identity does not belong to this lab')
    return { id: identity.id, name: identity.name, color: identity.color, ephemeral: false }
  }

  private attach(ws: WebSocket, labId: string, boardId: string, role: Role, identity: ConnectionIdentity, epoch: number): void {
    const { rooms, logger } = this.options
    this.alive.set(ws, true)
    // Messages can arrive before the room is loaded: hold them, in order, up to a bound.
    const early: Uint8Array[] = []
    let earlyBytes = 0
    let connection: Connection | null = null
    let closed = false
    ws.on('pong', () => this.alive.set(ws, true))
    ws.on('error', (err) => logger.debug('socket error', { boardId, err: err.message }))
    ws.on('message', (data) => {
      const bytes = toBytes(data)
      if (connection) {
        roomRef?.handleMessage(connection, bytes)
        return
      }
      earlyBytes += bytes.byteLength
      if (early.length >= MAX_EARLY_MESSAGES || earlyBytes > 2 * this.options.maxMessageBytes) {
        early.length = 0
        ws.close(CloseCode.tooManyEarlyMessages, 'too many messages before the board was loaded')
        return
      }
      early.push(bytes)
    })
    let roomRef: Awaited<ReturnType<RoomManager['getRoom']>> | null = null
    ws.on('close', () => {
      closed = true
      if (connection) roomRef?.removeConnection(connection)
    })
    rooms.getRoom(boardId).then(
      (room) => {
        if (rooms.secretEpoch(labId, role) !== epoch) {
          // The secret this socket was let in with was replaced while its board loaded: it is
          // closed like the others were, without joining.
          early.length = 0
          ws.close(CloseCode.secretRotated, 'this link was replaced by a new one')
          rooms.leaveUnjoined(room)
          return
        }
        roomRef = room
        connection = room.addConnection(new WsRoomSocket(ws, this.frames), role, identity)
        for (const bytes of early.splice(0)) room.handleMessage(connection, bytes)
        // Closed meanwhile: leaving lets the room start its idle timer.
        if (closed) room.removeConnection(connection)
      },
      (err) => {
        logger.error('loading a board failed', { boardId, err })
        ws.close(CloseCode.storageFailure, 'could not load the board, retrying')
      },
    )
  }

  private pingAll(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      this.alive.set(ws, false)
      ws.ping()
    }
  }

  /** Stops accepting upgrades; open sockets are closed by the rooms. */
  stopAccepting(): void {
    this.accepting = false
    clearInterval(this.pingTimer)
  }

  close(): void {
    this.stopAccepting()
    for (const ws of this.wss.clients) ws.terminate()
    this.wss.close()
  }
}

/** An identity for this connection only: the client presented none. */
function anonymousIdentity(): ConnectionIdentity {
  const color = PERSON_COLORS[Math.floor(Math.random() * PERSON_COLORS.length)]!
  return { id: `anon-${generateId()}`, name: '', color, ephemeral: true }
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  }
  return reasons[status] ?? 'Error'
}
