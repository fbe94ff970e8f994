import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ApiErrorBody } from '../shared/errors'
import { CloseCode } from '../shared/protocol'
import { TEMPLATE_SUMMARIES } from '../shared/templates/catalogue'
import type { Config } from './config'
import { addAssetRoutes } from './http/assetRoutes'
import { addBoardRoutes } from './http/boardRoutes'
import { addBoardManagementRoutes } from './http/boardManagementRoutes'
import { BinnedBoards } from './boards/BinnedBoards'
import { decompressState } from './history/checkpointState'
import { HttpError } from './http/HttpError'
import { sendJson } from './http/io'
import { addLabRoutes } from './http/labRoutes'
import { Router } from './http/Router'
import { createStaticHandler } from './http/staticFiles'
import type { Logger } from './logger'
import { SqliteStorage } from './persistence/SqliteStorage'
import type { Storage } from './persistence/Storage'
import { createBoardAuthority } from './authority/createBoardAuthority'
import { createWorkshop } from './workshop/createWorkshop'
import { createHistory } from './history/createHistory'
import { addHistoryRoutes } from './http/historyRoutes'
import { createSchemaMigration } from './authority/schemaMigration'
import { RateLimiter } from './access/RateLimiter'
import { ServerKey } from './access/signing'
import { SyncTickets } from './access/syncTickets'
import { securityHeaders } from './http/securityHeaders'
import { addIdentityRoutes } from './http/identityRoutes'
import { clientAddress, isAllowedOrigin } from './http/requestOrigin'
import { LabEventHub, type LabEventLimits } from './lab/LabEventHub'
import { LabPresence } from './lab/LabPresence'
import { createAssetReclaimer } from './maintenance/createAssetReclaimer'
import { createBoardSeeder } from './rooms/BoardSeeder'
import { RoomManager } from './rooms/RoomManager'
import type { Cluster } from './cluster/Cluster'
import { ClusterPresence } from './cluster/ClusterPresence'
import { announcePeople } from './authority/peopleOnBoard'
import { SyncEndpoint } from './sync/SyncEndpoint'

/** `POST /api/boards/<id>/tickets`: not counted as an API write (see handleRequest). */
const SYNC_TICKET_PATH = /^\/api\/boards\/[^/]+\/tickets$/

export interface FabriqueServerOptions {
  config: Config
  logger: Logger
  /** Defaults to SQLite in `config.dataDir`. */
  storage?: Storage
  /** Prebuilt board seeds; defaults to `seeds/` beside the running server (the build's). */
  seedsDir?: string
  /** Limits of the live lab pages (`GET /api/labs/:labId/events`); defaults in `server/lab/LabEventHub.ts`. */
  labEvents?: Partial<LabEventLimits>
  /**
   * The other instances sharing `storage` (PostgreSQL), e.g. a {@link RedisCluster}; closed by
   * {@link FabriqueServer.stop}. One instance alone when not given.
   */
  cluster?: Cluster
}

/**
 * One HTTP server: the built client, the JSON API under `/api/`, `/healthz`, and WebSocket
 * sync on `/sync/<boardId>`.
 */
export class FabriqueServer {
  readonly storage: Storage
  readonly rooms: RoomManager
  /** The open lab pages (Server-Sent Events). */
  readonly labEvents: LabEventHub
  private readonly labPresence: LabPresence
  private readonly clusterPresence: ClusterPresence
  private readonly http: http.Server
  private readonly sync: SyncEndpoint
  private readonly router = new Router()
  private readonly apiWrites: RateLimiter
  private stopping: Promise<void> | null = null

  constructor(private readonly options: FabriqueServerOptions) {
    const { config, logger } = options
    this.storage = options.storage ?? new SqliteStorage(path.join(config.dataDir, 'fabrique.db'))
    const seeder = createBoardSeeder({ seedsDir: options.seedsDir ?? fileURLToPath(new URL('./seeds', import.meta.url)) })
    const history = createHistory({ storage: this.storage, logger, checkpointIdleMs: config.checkpointIdleMs, binRetentionDays: config.binRetentionDays, currentSchema: () => seeder.currentSchema() })
    this.labEvents = new LabEventHub(options.labEvents ?? {}, logger, options.cluster ?? null)
    // Who is on each board through the other instances (none with one instance).
    this.clusterPresence = new ClusterPresence(options.cluster ?? null)
    this.labPresence = new LabPresence({ hub: this.labEvents, cluster: this.clusterPresence })
    const binned = new BinnedBoards(options.cluster ?? null)
    this.rooms = new RoomManager({
      storage: this.storage,
      logger,
      sendBufferLimitBytes: config.sendBufferLimitBytes,
      compactAfterUpdates: config.compactAfterUpdates,
      roomIdleMs: config.roomIdleMs,
      flushWindowMs: config.flushWindowMs,
      sendBudgetBytes: config.sendBudgetBytes,
      maxBoardBytes: config.maxBoardBytes,
      maxYjsClients: config.maxYjsClientsPerBoard,
      ...(options.cluster && { cluster: { bus: options.cluster, gapMs: config.clusterGapMs, pollMs: config.clusterPollMs, presence: this.clusterPresence } }),
      // The server owns the schema (migrated on load, before anyone is served), then the rules,
      // then the images no board needs any more are let go when a board leaves memory.
      hooks: [
        // Before anything sees the connection: nobody joins a board deleted meanwhile.
        binned,
        // First: it only watches (joins, leaves, renames) and must see `identity.update` before the rules take it.
        this.labPresence,
        createSchemaMigration({ currentSchema: () => seeder.currentSchema() }),
        createBoardAuthority({ storage: this.storage }),
        // After the rules: a private round takes a participant's new records out of the
        // document once the rules have judged them.
        createWorkshop({ storage: this.storage }),
        // After the rules and the workshop: checkpoints and the bin see what they accepted; before
        // the image reclaimer, which keeps the images checkpoints and the bin point to.
        history.hooks,
        createAssetReclaimer({ storage: this.storage, graceMs: config.assetGraceMs, logger }),
      ],
    })
    // People joining or leaving a board through another instance: its facilitators here and
    // its lab's pages here are told.
    this.clusterPresence.onChange((labId, boardId) => {
      const room = this.rooms.loadedRoom(boardId)
      if (room) announcePeople(room)
      this.labPresence.elsewhereChanged(labId, boardId)
    })
    this.apiWrites = new RateLimiter(config.apiWritesPerMinutePerAddress, 60_000)
    const key = new ServerKey(this.storage)
    const tickets = new SyncTickets(this.storage, key, config.syncTicketTtlMs, Date.now, options.cluster ?? null)
    this.sync = new SyncEndpoint({
      storage: this.storage,
      rooms: this.rooms,
      tickets,
      logger,
      maxMessageBytes: config.maxMessageBytes,
      pingIntervalMs: config.pingIntervalMs,
      publicUrl: config.publicUrl,
      connectionsPerMinutePerAddress: config.connectionsPerMinutePerAddress,
      trustProxy: config.trustProxy,
    })
    addLabRoutes(this.router, {
      storage: this.storage,
      seeder,
      rooms: this.rooms,
      creation: { policy: config.labCreation, adminSecret: config.adminSecret, limiter: new RateLimiter(config.labsPerHourPerAddress, 3_600_000), trustProxy: config.trustProxy },
      events: this.labEvents,
      presence: this.labPresence,
    })
    addBoardRoutes(this.router, { storage: this.storage, publicUrl: config.publicUrl, key, tickets })
    addBoardManagementRoutes(this.router, {
      storage: this.storage,
      rooms: this.rooms,
      events: this.labEvents,
      binned,
      maxAssetBytes: config.maxAssetBytes,
      maxLabAssetBytes: config.maxLabAssetBytes,
      // A checkpoint's state as the history keeps it (compressed), for copies made from it.
      checkpointState: async (boardId, checkpointId) => {
        const kept = await this.storage.getCheckpoint(boardId, checkpointId)
        return kept ? decompressState(kept.state) : null
      },
    })
    addAssetRoutes(this.router, { storage: this.storage, key, maxAssetBytes: config.maxAssetBytes, maxLabAssetBytes: config.maxLabAssetBytes })
    addIdentityRoutes(this.router, { storage: this.storage })
    addHistoryRoutes(this.router, { storage: this.storage, rooms: this.rooms, history })
    this.router.add('GET', '/api/templates', ({ res }) => sendJson(res, 200, TEMPLATE_SUMMARIES))
    this.router.add('GET', '/api/config', ({ res }) =>
      sendJson(res, 200, { tldrawLicenseKey: config.tldrawLicenseKey, publicUrl: config.publicUrl, labCreation: config.labCreation }),
    )
    this.router.add('GET', '/healthz', ({ res }) =>
      sendJson(res, 200, {
        status: 'ok',
        boardsLoaded: this.rooms.loadedBoardIds.length,
        connections: this.sync.connectionCount,
        labPages: this.labEvents.streamCount,
        refusals: this.rooms.refusals.toJSON(),
        sendBudget: this.rooms.sendBudget.toJSON(),
      }),
    )
    const serveStatic = createStaticHandler(config.staticDir)
    this.http = http.createServer((req, res) => void this.handleRequest(req, res, serveStatic))
    this.http.on('upgrade', (req, socket, head) => void this.sync.handleUpgrade(req, socket, head))
  }

  private async handleRequest(req: http.IncomingMessage, res: http.ServerResponse, serveStatic: ReturnType<typeof createStaticHandler>): Promise<void> {
    const started = performance.now()
    // On every response (pages, files, the API, errors); a response may narrow them.
    for (const [name, value] of Object.entries(securityHeaders(req, this.options.config.publicUrl))) res.setHeader(name, value)
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      sendJson(res, 400, { error: 'invalid URL', code: 'input.invalid' } satisfies ApiErrorBody)
      return
    }
    const isApi = url.pathname.startsWith('/api/') || url.pathname === '/healthz'
    try {
      if (!isApi) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method.notAllowed', 'method not allowed')
        serveStatic(req, res, url.pathname)
        return
      }
      const method = req.method ?? 'GET'
      if (method !== 'GET' && method !== 'HEAD') {
        if (!isAllowedOrigin(req, this.options.config.publicUrl)) throw new HttpError(403, 'origin.refused', 'cross-site request refused')
        // A sync ticket is spent by every (re)connection, which the upgrade's own per-address
        // limit already bounds: a workshop behind one Wi-Fi router must not run out of API writes.
        const wait = SYNC_TICKET_PATH.test(url.pathname) ? 0 : this.apiWrites.take(clientAddress(req, this.options.config.trustProxy))
        if (wait > 0) {
          throw new HttpError(429, 'rate.limited', `too many requests from this address: retry in ${Math.ceil(wait / 1000)} s`, { 'retry-after': String(Math.ceil(wait / 1000)) })
        }
      }
      const match = this.router.match(method, url.pathname)
      if (match === null) throw new HttpError(404, 'endpoint.notFound', 'no such endpoint')
      if (match === 'method-not-allowed') throw new HttpError(405, 'method.notAllowed', 'method not allowed')
      await match.handler({ req, res, params: match.params, url })
    } catch (err) {
      if (err instanceof URIError) err = new HttpError(400, 'input.invalid', 'malformed URL encoding')
      if (err instanceof HttpError) {
        if (!res.headersSent) sendJson(res, err.status, { error: err.message, code: err.code } satisfies ApiErrorBody, err.headers)
        else res.destroy()
      } else {
        this.options.logger.error('request failed', { method: req.method, path: url.pathname, err })
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error', code: 'internal' } satisfies ApiErrorBody)
        else res.destroy()
      }
    } finally {
      // Paths only: query strings and fragments may hold secrets and are never logged.
      if (isApi) this.options.logger.debug('request', { method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) })
    }
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  async listen(): Promise<number> {
    const { port, host } = this.options.config
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject)
      this.http.listen(port, host, () => {
        this.http.off('error', reject)
        resolve()
      })
    })
    return (this.http.address() as AddressInfo).port
  }

  /** Stops accepting, stores everything pending, closes every socket, closes storage. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.sync.stopAccepting()
      this.labPresence.close()
      this.clusterPresence.close()
      this.labEvents.close()
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()))
      await this.rooms.closeAll(CloseCode.serverShutdown, 'server restarting')
      this.sync.close()
      this.http.closeAllConnections()
      await closed
      await this.options.cluster?.close()
      await this.storage.close()
    })()
    return this.stopping
  }
}
