import type { ServerResponse } from 'node:http'
import type { LabEvent } from '../../shared/lab'
import type { Cluster } from '../cluster/Cluster'
import type { Role } from '../../shared/roles'
import { HttpError } from '../http/HttpError'
import type { Logger } from '../logger'
import { EVENT_STREAM_HEADERS, LabEventStream } from './LabEventStream'

/** How many lab pages may listen, and how their streams are kept alive. */
export interface LabEventLimits {
  /**
   * Open streams from one address. A workshop room behind one Wi-Fi router is one address for
   * everyone in it (each phone, each tab): generous, yet a bound on a hostile client.
   */
  perAddress: number
  /** Open streams on one lab. */
  perLab: number
  /** Open streams on the whole server. */
  total: number
  /** A comment is written this often, so proxies and the page know the stream is alive. */
  heartbeatMs: number
  /** Unsent bytes a stream may hold before it is cut (its page reconnects). */
  maxUnsentBytes: number
}

export const DEFAULT_LAB_EVENT_LIMITS: LabEventLimits = {
  perAddress: 100,
  perLab: 500,
  total: 5_000,
  heartbeatMs: 25_000,
  maxUnsentBytes: 256 * 1024,
}

/** Seconds a refused page is asked to wait before trying again. */
const RETRY_AFTER_S = 15

/**
 * The open lab pages, by lab: what `GET /api/labs/:labId/events` streams to. Routes and room
 * hooks publish to a lab; streams opened with a secret that is then replaced are closed, as
 * the sockets are ({@link closeRole}).
 */
export class LabEventHub {
  private readonly labs = new Map<string, Set<LabEventStream>>()
  private readonly addresses = new Map<string, number>()
  private readonly limits: LabEventLimits
  private readonly heartbeat: NodeJS.Timeout
  /** Bumped each time a lab's role secret is replaced (`<labId> <role>`), see {@link secretEpoch}. */
  private readonly epochs = new Map<string, number>()
  private count = 0

  private readonly stopListening: (() => void) | null

  /**
   * With `cluster`, events published here reach the lab's pages open on every instance, and a
   * secret replaced on another instance ends this instance's pages of that role too.
   */
  constructor(
    limits: Partial<LabEventLimits>,
    private readonly logger: Logger,
    private readonly cluster: Cluster | null = null,
  ) {
    this.limits = { ...DEFAULT_LAB_EVENT_LIMITS, ...limits }
    this.stopListening =
      cluster?.subscribeInstances((message) => {
        if (message.kind === 'lab-event') this.deliver(message.labId, message.event, message.roles)
        else if (message.kind === 'lab-close') this.closeRole(message.labId, message.role)
      }) ?? null
    // One timer for every stream; it does not keep the process alive.
    this.heartbeat = setInterval(() => {
      for (const streams of this.labs.values()) for (const stream of streams) stream.heartbeat()
    }, this.limits.heartbeatMs)
    this.heartbeat.unref()
  }

  get heartbeatMs(): number {
    return this.limits.heartbeatMs
  }

  /** Open streams on the server. */
  get streamCount(): number {
    return this.count
  }

  /** Whether any page of `labId` listens (so work for it can be skipped when none does). */
  hasListeners(labId: string): boolean {
    return (this.labs.get(labId)?.size ?? 0) > 0
  }

  /**
   * A counter bumped when a secret of `role` in `labId` is replaced. A stream reads it before
   * its secret is checked and again before it is registered: if it changed meanwhile, the
   * secret it was let in with may be the replaced one, and it is checked again.
   */
  secretEpoch(labId: string, role: Role): number {
    return this.epochs.get(`${labId} ${role}`) ?? 0
  }

  /**
   * Starts a stream on `res` for a member of `labId` with `role`, or throws 429
   * `events.tooMany` (nothing written) when a limit is reached. The stream writes nothing
   * until {@link LabEventStream.start} gives it its snapshot; events published meanwhile wait.
   */
  open(labId: string, role: Role, address: string, res: ServerResponse): LabEventStream {
    const fromAddress = this.addresses.get(address) ?? 0
    const onLab = this.labs.get(labId)?.size ?? 0
    const which = fromAddress >= this.limits.perAddress ? 'from this address' : onLab >= this.limits.perLab ? 'on this lab' : this.count >= this.limits.total ? 'on this server' : null
    if (which) {
      this.logger.warn('lab event stream refused: too many', { labId, which })
      throw new HttpError(429, 'events.tooMany', `too many live lab pages open ${which}: retry in ${RETRY_AFTER_S} s`, { 'retry-after': String(RETRY_AFTER_S) })
    }
    res.writeHead(200, EVENT_STREAM_HEADERS)
    res.flushHeaders()
    // Small events must leave at once, not wait for Nagle's algorithm.
    res.socket?.setNoDelay(true)
    const stream = new LabEventStream(labId, role, address, res, this.limits.maxUnsentBytes, (s) => this.forget(s))
    let streams = this.labs.get(labId)
    if (!streams) this.labs.set(labId, (streams = new Set()))
    streams.add(stream)
    this.addresses.set(address, fromAddress + 1)
    this.count++
    return stream
  }

  /** Sends `event` to the pages of `labId` (opened as one of `roles`, when given), on every instance. */
  publish(labId: string, event: LabEvent, roles?: readonly Role[]): void {
    this.deliver(labId, event, roles)
    this.cluster?.publishInstances({ kind: 'lab-event', from: this.cluster.instanceId, labId, event, ...(roles && { roles: [...roles] }) })
  }

  private deliver(labId: string, event: LabEvent, roles?: readonly Role[]): void {
    const streams = this.labs.get(labId)
    if (!streams) return
    for (const stream of [...streams]) if (!roles || roles.includes(stream.role)) stream.send(event)
  }

  /**
   * A secret of `role` in `labId` was just replaced (and stored): every page of that lab
   * opened as `role` here is told (`revoked`) and its stream ends. Returns how many were
   * closed. (Other instances do the same when they hear `lab-close`, which the rooms send.)
   */
  closeRole(labId: string, role: Role): number {
    const key = `${labId} ${role}`
    this.epochs.set(key, this.secretEpoch(labId, role) + 1)
    let closed = 0
    for (const stream of [...(this.labs.get(labId) ?? [])]) {
      if (stream.role !== role) continue
      stream.close({ type: 'revoked' })
      closed++
    }
    if (closed > 0) this.logger.info('lab event streams closed: their secret was replaced', { labId, role, closed })
    return closed
  }

  /** Ends every stream (shutdown); pages reconnect to the next server. */
  close(): void {
    clearInterval(this.heartbeat)
    this.stopListening?.()
    for (const streams of [...this.labs.values()]) for (const stream of [...streams]) stream.close()
  }

  private forget(stream: LabEventStream): void {
    const streams = this.labs.get(stream.labId)
    if (!streams?.delete(stream)) return
    if (streams.size === 0) this.labs.delete(stream.labId)
    const fromAddress = (this.addresses.get(stream.address) ?? 1) - 1
    if (fromAddress > 0) this.addresses.set(stream.address, fromAddress)
    else this.addresses.delete(stream.address)
    this.count--
  }
}
