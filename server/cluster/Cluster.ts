import type { ClusterMessage } from './clusterMessages'
import type { InstanceMessage } from './instanceMessages'

/**
 * How instances of Fabrique sharing one storage (PostgreSQL) tell each other what happens on a
 * board: each publishes on the board's channel what it stored or received from its own clients,
 * and hears what the others published. Delivery is best effort (Redis pub/sub drops messages
 * while a link is down): what matters for convergence — the document — is also in storage, and
 * each board's link catches up from there (see `BoardLink`).
 */
export interface Cluster {
  /** This instance, unique among those sharing the storage (messages from itself are ignored). */
  readonly instanceId: string
  /**
   * Listens to a board's channel until the returned function is called. `onSubscribed` runs
   * once the subscription is in effect (what was published before it may have been missed).
   */
  subscribe(boardId: string, handler: (message: ClusterMessage) => void, onSubscribed?: () => void): () => void
  /** Publishes on a board's channel; never throws (a lost message is caught up from storage). */
  publish(boardId: string, message: ClusterMessage): void
  /** Listens to the channel every instance hears (see {@link InstanceMessage}) until the returned function is called. */
  subscribeInstances(handler: (message: InstanceMessage) => void): () => void
  /** Publishes to every other instance; never throws. */
  publishInstances(message: InstanceMessage): void
  /**
   * Called after the link to the others came back (messages may have been lost meanwhile):
   * every board catches up from storage. Returns a function that stops listening.
   */
  /**
   * Claims `key` for `ttlMs` across every instance: true for the first claim only (a sync
   * ticket spent once wherever it is presented). When the instances cannot agree (Redis down),
   * answers true: each instance still refuses a second use itself.
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>
  onResync(listener: () => void): () => void
  close(): Promise<void>
}
