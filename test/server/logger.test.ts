import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../server/access/RateLimiter'
import { createLogger } from '../../server/logger'

describe('logs under a flood', () => {
  it('writes a few lines of one kind per minute, then one line counting the rest', () => {
    let now = 1_000_000
    const lines: any[] = []
    const logger = createLogger('info', (l) => lines.push(JSON.parse(l)), { repeatsPerMinute: 3, now: () => now }).child({ boardId: 'b1' })
    for (let i = 0; i < 1000; i++) logger.warn('malformed message, closing connection', { i })
    logger.info('something else')
    expect(lines.map((l) => l.msg)).toEqual([...Array(3).fill('malformed message, closing connection'), 'something else'])
    now += 60_001
    logger.warn('malformed message, closing connection', { i: 1000 })
    expect(lines.at(-2)).toMatchObject({ msg: 'repeated lines not logged in the last minute', repeated: 'malformed message, closing connection', count: 997, level: 'warn' })
    expect(lines.at(-1)).toMatchObject({ msg: 'malformed message, closing connection', i: 1000, boardId: 'b1' })
  })
})

describe('RateLimiter', () => {
  it('allows `limit` per window per key, refills over time, and says how long to wait', () => {
    let now = 0
    const limiter = new RateLimiter(3, 60_000, () => now)
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0])
    expect(limiter.take('a')).toBe(20_000)
    expect(limiter.take('b')).toBe(0)
    now += 20_000
    expect(limiter.take('a')).toBe(0)
    expect(limiter.take('a')).toBe(20_000)
  })
})
