import { encodeAwarenessMessage, readAwarenessEntries, unwrapAwarenessMessage, wrapAwarenessUpdate, type AwarenessEntry } from './awarenessMessages'
import type { Connection } from './Connection'

/** Bounds on a board's presence (awareness), whatever clients send. */
export interface AwarenessLimits {
  /**
   * A connection may take over a client id another connection owns only once that owner has
   * been silent this long (a client reconnecting while its dead socket is not yet dropped).
   */
  takeoverMs: number
  /** Client ids one connection may own (a tab has one; a reconnect may briefly add one). */
  maxIdsPerConnection: number
  /** Largest state accepted, in bytes of JSON. */
  maxStateBytes: number
  /** All states of the board together, in bytes: what a newcomer receives is bounded by it. */
  maxRoomBytes: number
}

/**
 * Default silence of an owner after which its awareness client id can be taken over: longer
 * than y-protocols' 15 s renewal and equal to its 30 s timeout, so a live but idle client
 * always keeps its id.
 */
export const AWARENESS_TAKEOVER_MS = 30_000

export const DEFAULT_AWARENESS_LIMITS: AwarenessLimits = {
  takeoverMs: AWARENESS_TAKEOVER_MS,
  maxIdsPerConnection: 4,
  // tldraw's presence (cursor, camera, selection, name, colour) is well under 1 KiB.
  maxStateBytes: 8 * 1024,
  maxRoomBytes: 2 * 1024 * 1024,
}

interface OwnedState extends AwarenessEntry {
  owner: Connection
}

const EMPTY_AWARENESS_MESSAGE = encodeAwarenessMessage([])

/** What to send after an awareness message: to its sender, and to everyone else. */
export interface AwarenessOutcome {
  /** Echo for the sender (the stock client counts any message as a sign the link is alive). */
  toSender: Uint8Array
  /** For the others: null when nothing was kept. */
  toOthers: Uint8Array | null
  /** Entries dropped (invalid, too big, someone else's id, over a bound). */
  dropped: number
  /**
   * The entries, when every one was its owner's unchanged state under a newer clock (the
   * renewal a y-protocols client sends every 15 s to say it is still there): nothing new to
   * show, they may wait. Null otherwise.
   */
  renewals: readonly AwarenessEntry[] | null
}

/** Why an awareness entry is not relayed, or null when it is fine. */
function stateProblem(state: string, maxBytes: number): string | null {
  if (state === 'null') return null
  // Characters ≥ bytes / 3: a cheap bound before measuring exactly.
  if (state.length > maxBytes || Buffer.byteLength(state) > maxBytes) return 'too big'
  let parsed: unknown
  try {
    parsed = JSON.parse(state)
  } catch {
    return 'not JSON'
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? null : 'not a JSON object'
}

/**
 * A board's presence: who owns which awareness client id, their last states, and the rules
 * that keep it bounded and honest — states are JSON objects under a size cap, a connection
 * owns a few ids, nobody takes a live owner's id, and the board's states together stay under
 * a budget. Invalid entries are dropped, never relayed.
 */
export class RoomAwareness {
  private readonly states = new Map<number, OwnedState>()
  /**
   * States of other instances' clients (several instances on one board), with when they were
   * last renewed: kept for newcomers here, forgotten when their owner says so or goes silent
   * for {@link AwarenessLimits.takeoverMs} (an instance that died says nothing).
   */
  private readonly remote = new Map<number, AwarenessEntry & { at: number }>()
  private bytes = 0
  private snapshot: Uint8Array | null = null

  constructor(private readonly limits: AwarenessLimits = DEFAULT_AWARENESS_LIMITS) {}

  get size(): number {
    return this.states.size
  }

  /** Every current state, as one message (for newcomers and queries), or null when there is none. */
  current(): Uint8Array | null {
    this.forgetSilentRemotes()
    if (this.states.size === 0 && this.remote.size === 0) return null
    this.snapshot ??= encodeAwarenessMessage(this.remote.size === 0 ? this.states.values() : [...[...this.remote.values()].filter((e) => !this.states.has(e.clientId)), ...this.states.values()])
    return this.snapshot
  }

  /**
   * An awareness message relayed by another instance (its clients' presence, checked there).
   * Returns whether it holds anything valid to relay here; a message that does not decode is
   * ignored.
   */
  receiveRemote(message: Uint8Array): boolean {
    let entries: AwarenessEntry[]
    try {
      entries = readAwarenessEntries(unwrapAwarenessMessage(message))
    } catch {
      return false
    }
    const now = Date.now()
    for (const entry of entries) {
      // A client here with the same id (it moved to this instance) is the one to believe.
      if (this.states.has(entry.clientId)) continue
      const known = this.remote.get(entry.clientId)
      if (known && entry.clock < known.clock) continue
      if (entry.state === 'null') this.remote.delete(entry.clientId)
      else if (stateProblem(entry.state, this.limits.maxStateBytes) === null) this.remote.set(entry.clientId, { ...entry, at: now })
    }
    this.snapshot = null
    return entries.length > 0
  }

  private forgetSilentRemotes(): void {
    const before = Date.now() - this.limits.takeoverMs
    for (const [clientId, entry] of this.remote) {
      if (entry.at >= before) continue
      this.remote.delete(clientId)
      this.snapshot = null
    }
  }

  /** Applies an awareness update from `connection`. Throws on a message that does not decode. */
  receive(connection: Connection, update: Uint8Array): AwarenessOutcome {
    const entries = readAwarenessEntries(update)
    const accepted: AwarenessEntry[] = []
    let renewal = entries.length > 0
    for (const entry of entries) {
      const verdict = this.accept(connection, entry)
      if (verdict === 'refused') continue
      accepted.push(entry)
      if (verdict !== 'renewed') renewal = false
    }
    if (accepted.length > 0) this.snapshot = null
    const dropped = entries.length - accepted.length
    if (dropped === 0) {
      const message = wrapAwarenessUpdate(update)
      return { toSender: message, toOthers: message, dropped, renewals: renewal ? accepted : null }
    }
    // The sender hears back only what was kept (any message keeps the stock client's link alive),
    // never its refused bulk again.
    const kept = accepted.length > 0 ? encodeAwarenessMessage(accepted) : null
    return { toSender: kept ?? EMPTY_AWARENESS_MESSAGE, toOthers: kept, dropped, renewals: null }
  }

  /** Whether `entry` is still the newest state of its client id (not replaced or removed since). */
  isCurrent(entry: AwarenessEntry): boolean {
    return this.states.get(entry.clientId)?.clock === entry.clock
  }

  /**
   * Whether the entry is kept: `changed` (a new or changed state, or a removal), `renewed` (its
   * owner's unchanged state under a newer clock), `known` (not newer: kept, changes nothing),
   * or `refused`.
   */
  private accept(connection: Connection, entry: AwarenessEntry): 'changed' | 'renewed' | 'known' | 'refused' {
    if (stateProblem(entry.state, this.limits.maxStateBytes) !== null) return 'refused'
    const current = this.states.get(entry.clientId)
    const takingOver = current !== undefined && current.owner !== connection
    // Another connection's client id: refused (its owner would adopt the impostor's state),
    // unless that owner went silent and this is a newer state — the same client back on a
    // new socket while the old one is not yet dropped.
    if (takingOver && !(entry.clock > current.clock && Date.now() - current.owner.lastMessageAt >= this.limits.takeoverMs)) return 'refused'
    const owned = takingOver || connection.awarenessClients.has(entry.clientId)
    if (!owned && entry.state !== 'null' && connection.awarenessClients.size >= this.limits.maxIdsPerConnection) return 'refused'
    const isNewer = !current || entry.clock > current.clock || (entry.clock === current.clock && entry.state === 'null')
    if (!isNewer) return 'known'
    const renewed = !takingOver && current !== undefined && current.state === entry.state && entry.state !== 'null'
    const size = entry.state === 'null' ? 0 : entry.state.length
    const previous = current ? current.state.length : 0
    if (size > previous && this.bytes - previous + size > this.limits.maxRoomBytes) return 'refused'
    if (takingOver) current.owner.awarenessClients.delete(entry.clientId)
    this.bytes += size - previous
    if (entry.state === 'null') {
      this.states.delete(entry.clientId)
      connection.awarenessClients.delete(entry.clientId)
    } else {
      this.states.set(entry.clientId, { ...entry, owner: connection })
      connection.awarenessClients.add(entry.clientId)
    }
    return renewed ? 'renewed' : 'changed'
  }

  /** Forgets what `connection` owned; returns the message telling everyone, or null. */
  remove(connection: Connection): Uint8Array | null {
    const gone: AwarenessEntry[] = []
    for (const clientId of connection.awarenessClients) {
      const state = this.states.get(clientId)
      if (!state || state.owner !== connection) continue
      this.states.delete(clientId)
      this.bytes -= state.state.length
      gone.push({ clientId, clock: state.clock + 1, state: 'null' })
    }
    if (gone.length === 0) return null
    this.snapshot = null
    return encodeAwarenessMessage(gone)
  }
}
