import { randomBytes } from 'node:crypto'
import type { Cluster } from './Cluster'

/**
 * The {@link Cluster} of an instance on PostgreSQL without Redis: nothing is published or
 * heard, but each board still keeps track of which stored rows its document holds, sees the
 * rows another instance wrote as gaps in the numbers of its own appends, and reads them from
 * storage (every `CLUSTER_POLL_MS` too). So one instance on PostgreSQL works as on SQLite, and
 * several without Redis — a mistake the logs warn about — still converge (slowly: edits from
 * another instance appear at the next poll) and never compact away rows their documents lack.
 */
export class StorageOnlyCluster implements Cluster {
  readonly instanceId = randomBytes(8).toString('hex')

  subscribe(_boardId: string, _handler: unknown, onSubscribed?: () => void): () => void {
    if (onSubscribed) queueMicrotask(onSubscribed)
    return () => {}
  }

  publish(): void {}

  subscribeInstances(): () => void {
    return () => {}
  }

  publishInstances(): void {}

  async claimOnce(): Promise<boolean> {
    return true
  }

  onResync(): () => void {
    return () => {}
  }

  async close(): Promise<void> {}
}
