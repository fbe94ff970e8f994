import type { PersonOnBoard } from '../../shared/commands'
import type { Cluster } from './Cluster'

/** How often an instance renews its share of a board's people, and how long a share lasts unrenewed. */
export const PRESENCE_TIMING = { renewMs: 10_000, expireMs: 30_000 } as const

interface Share {
  labId: string
  people: PersonOnBoard[]
  at: number
}

/**
 * Who is on each board through the other instances (several instances on one storage): each
 * instance publishes its own share of a board's people when it changes, and renews it while
 * anyone is there, so the share of an instance that died fades after
 * {@link PRESENCE_TIMING.expireMs}. The facilitators' « Participants » and the lab page add
 * these shares to the people connected here. Without a cluster, there are none.
 */
export class ClusterPresence {
  private readonly remote = new Map<string, Map<string, Share>>()
  private readonly local = new Map<string, { labId: string; json: string; people: PersonOnBoard[] }>()
  private readonly listeners = new Set<(labId: string, boardId: string) => void>()
  private readonly timer: NodeJS.Timeout | null
  private readonly stop: (() => void) | null

  constructor(
    private readonly cluster: Cluster | null,
    private readonly timing: { renewMs: number; expireMs: number } = PRESENCE_TIMING,
    private readonly now: () => number = Date.now,
  ) {
    this.stop =
      cluster?.subscribeInstances((message) => {
        if (message.kind !== 'presence') return
        let shares = this.remote.get(message.boardId)
        if (message.people.length === 0) {
          if (!shares?.delete(message.from)) return
          if (shares.size === 0) this.remote.delete(message.boardId)
        } else {
          if (!shares) this.remote.set(message.boardId, (shares = new Map()))
          const before = shares.get(message.from)
          shares.set(message.from, { labId: message.labId, people: message.people, at: this.now() })
          // A renewal that changes nothing is news to nobody.
          if (before && JSON.stringify(before.people) === JSON.stringify(message.people)) return
        }
        this.changed(message.labId, message.boardId)
      }) ?? null
    this.timer = cluster
      ? setInterval(() => {
          this.renew()
          this.expire()
        }, timing.renewMs)
      : null
    this.timer?.unref()
  }

  /** Lists of people on `boardId` through other instances (not expired). */
  others(boardId: string): PersonOnBoard[][] {
    const shares = this.remote.get(boardId)
    if (!shares) return []
    const fresh = this.now() - this.timing.expireMs
    return [...shares.values()].filter((s) => s.at >= fresh).map((s) => s.people)
  }

  /** Boards of `labId` with people through other instances. */
  boardsOf(labId: string): string[] {
    const fresh = this.now() - this.timing.expireMs
    return [...this.remote].filter(([, shares]) => [...shares.values()].some((s) => s.labId === labId && s.at >= fresh)).map(([boardId]) => boardId)
  }

  /** This instance's people on a board now: told to the others when it changed. */
  share(labId: string, boardId: string, people: PersonOnBoard[]): void {
    if (!this.cluster) return
    const json = JSON.stringify(people)
    const known = this.local.get(boardId)
    if (known?.json === json) return
    if (people.length === 0) this.local.delete(boardId)
    else this.local.set(boardId, { labId, json, people })
    this.cluster.publishInstances({ kind: 'presence', from: this.cluster.instanceId, labId, boardId, people })
  }

  /** Called with a board whose people through other instances changed. */
  onChange(listener: (labId: string, boardId: string) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stops (shutdown): this instance's shares are withdrawn at once rather than left to fade. */
  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.stop?.()
    const cluster = this.cluster
    if (!cluster) return
    for (const [boardId, { labId }] of this.local) cluster.publishInstances({ kind: 'presence', from: cluster.instanceId, labId, boardId, people: [] })
    this.local.clear()
  }

  private renew(): void {
    const cluster = this.cluster!
    for (const [boardId, { labId, people }] of this.local) cluster.publishInstances({ kind: 'presence', from: cluster.instanceId, labId, boardId, people })
  }

  /** Forgets the shares of instances that stopped renewing them (died), telling whoever shows them. */
  private expire(): void {
    const fresh = this.now() - this.timing.expireMs
    for (const [boardId, shares] of this.remote) {
      for (const [instance, share] of shares) {
        if (share.at >= fresh) continue
        shares.delete(instance)
        if (shares.size === 0) this.remote.delete(boardId)
        this.changed(share.labId, boardId)
      }
    }
  }

  private changed(labId: string, boardId: string): void {
    for (const listener of this.listeners) listener(labId, boardId)
  }
}
