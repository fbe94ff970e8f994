import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from '../logger'
import type { Cluster } from './Cluster'
import { decodeClusterMessage, encodeClusterMessage, type ClusterMessage } from './clusterMessages'
import { parseInstanceMessage, type InstanceMessage } from './instanceMessages'

export interface RedisClusterOptions {
  /** `redis://host:port[/db]`. */
  url: string
  logger: Logger
  /** Prefix of every channel (several deployments on one Redis). */
  prefix?: string
  /** This instance's id; random when not given. */
  instanceId?: string
}

/**
 * {@link Cluster} over Redis pub/sub: one channel per board (`fabrique:board:<id>`), one
 * connection to publish and one to subscribe (a subscribed Redis connection can do nothing
 * else). Both reconnect by themselves; after the subscriber comes back, every board catches up
 * from storage, since Redis keeps nothing for a subscriber that was away. Publishing while
 * Redis is down fails at once instead of queueing: the others catch up from storage.
 */
export class RedisCluster implements Cluster {
  readonly instanceId: string
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly prefix: string
  private readonly instancesChannel: string
  private readonly instanceHandlers = new Set<(message: InstanceMessage) => void>()
  private readonly handlers = new Map<string, Set<(message: ClusterMessage) => void>>()
  private readonly resyncListeners = new Set<() => void>()
  private everReady = false
  private closing = false

  constructor(private readonly options: RedisClusterOptions) {
    this.instanceId = options.instanceId ?? randomBytes(8).toString('hex')
    this.prefix = `${options.prefix ?? 'fabrique:'}board:`
    this.instancesChannel = `${options.prefix ?? 'fabrique:'}instances`
    const retryStrategy = (times: number) => Math.min(100 * times, 2000)
    this.pub = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy, lazyConnect: false })
    this.sub = new Redis(options.url, { autoResubscribe: true, maxRetriesPerRequest: null, retryStrategy })
    const logger = options.logger
    let pubDown = false
    let subDown = false
    this.pub.on('error', (err: Error) => {
      if (!pubDown) logger.warn('Redis (publishing) unreachable: boards catch up from storage until it is back', { err: err.message })
      pubDown = true
    })
    this.pub.on('ready', () => {
      if (pubDown) logger.info('Redis (publishing) is back')
      pubDown = false
    })
    this.sub.on('error', (err: Error) => {
      if (!subDown) logger.warn('Redis (subscribing) unreachable: boards catch up from storage until it is back', { err: err.message })
      subDown = true
    })
    this.sub.on('ready', () => {
      const again = this.everReady
      this.everReady = true
      subDown = false
      if (!again) return
      logger.info('Redis (subscribing) is back: every board catches up from storage')
      for (const listener of this.resyncListeners) listener()
    })
    this.sub.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      const name = channel.toString()
      if (name === this.instancesChannel) {
        let message: InstanceMessage
        try {
          message = parseInstanceMessage(payload.toString())
        } catch (err) {
          logger.warn('a message on the instances channel could not be read: dropped', { err: (err as Error).message })
          return
        }
        if (message.from === this.instanceId) return
        for (const handler of this.instanceHandlers) handler(message)
        return
      }
      const boardId = name.slice(this.prefix.length)
      const handlers = this.handlers.get(boardId)
      if (!handlers) return
      let message: ClusterMessage
      try {
        message = decodeClusterMessage(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength))
      } catch (err) {
        logger.warn('a message on a board channel could not be read: dropped', { boardId, err: (err as Error).message })
        return
      }
      if (message.from === this.instanceId) return
      for (const handler of handlers) handler(message)
    })
  }

  /** Resolves once both connections are up (or rejects after `timeoutMs`). */
  async ready(timeoutMs = 5000): Promise<void> {
    const up = (redis: Redis) =>
      redis.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms (${redis.status})`)), timeoutMs)
            redis.once('ready', () => {
              clearTimeout(timer)
              resolve()
            })
          })
    await Promise.all([up(this.pub), up(this.sub)])
  }

  subscribe(boardId: string, handler: (message: ClusterMessage) => void, onSubscribed?: () => void): () => void {
    let handlers = this.handlers.get(boardId)
    if (!handlers) {
      handlers = new Set()
      this.handlers.set(boardId, handlers)
      this.sub.subscribe(this.prefix + boardId).then(
        () => onSubscribed?.(),
        (err: Error) => this.options.logger.warn('subscribing to a board channel failed: it catches up from storage', { boardId, err: err.message }),
      )
    } else {
      queueMicrotask(() => onSubscribed?.())
    }
    handlers.add(handler)
    return () => {
      const set = this.handlers.get(boardId)
      if (!set?.delete(handler) || set.size > 0) return
      this.handlers.delete(boardId)
      if (!this.closing) this.sub.unsubscribe(this.prefix + boardId).catch(() => {})
    }
  }

  publish(boardId: string, message: ClusterMessage): void {
    if (this.pub.status !== 'ready') return
    const bytes = encodeClusterMessage(message)
    this.pub.publish(this.prefix + boardId, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch(() => {
      // Lost: the others see the gap, or their next poll reads it from storage.
    })
  }

  subscribeInstances(handler: (message: InstanceMessage) => void): () => void {
    if (this.instanceHandlers.size === 0) {
      this.sub.subscribe(this.instancesChannel).catch((err: Error) => this.options.logger.warn('subscribing to the instances channel failed', { err: err.message }))
    }
    this.instanceHandlers.add(handler)
    return () => {
      this.instanceHandlers.delete(handler)
      if (this.instanceHandlers.size === 0 && !this.closing) this.sub.unsubscribe(this.instancesChannel).catch(() => {})
    }
  }

  publishInstances(message: InstanceMessage): void {
    if (this.pub.status !== 'ready') return
    this.pub.publish(this.instancesChannel, JSON.stringify(message)).catch(() => {})
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    if (this.pub.status !== 'ready') return true
    try {
      const answer = await this.pub.set(`${this.prefix.slice(0, -'board:'.length)}claim:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')
      return answer === 'OK'
    } catch {
      return true
    }
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener)
    return () => this.resyncListeners.delete(listener)
  }

  async close(): Promise<void> {
    this.closing = true
    this.handlers.clear()
    await Promise.allSettled([this.pub.quit(), this.sub.quit()])
    this.pub.disconnect()
    this.sub.disconnect()
  }
}
