import { describe, expect, it } from 'vitest'
import { checkpointsToThin, THINNING, type ThinnableCheckpoint } from '../../../server/history/thinCheckpoints'

const HOUR = 3600 * 1000
const DAY = 24 * HOUR
/** Wednesday 2027-03-17, 12:00 UTC. */
const NOW = Date.UTC(2027, 2, 17, 12)
const at = (ms: number, id: string, kind: ThinnableCheckpoint['kind'] = 'auto'): ThinnableCheckpoint => ({ id, kind, createdAt: new Date(ms).toISOString() })

describe('thinning automatic checkpoints', () => {
  it('keeps every one of the last two days', () => {
    const recent = Array.from({ length: 40 }, (_, i) => at(NOW - i * HOUR, `r${i}`))
    expect(checkpointsToThin(recent, NOW)).toEqual([])
  })

  it('keeps the last of each day until a month, of each week (Monday–Sunday UTC) until a year, of each month beyond', () => {
    // Every 6 hours for three years.
    const all = Array.from({ length: 3 * 365 * 4 }, (_, i) => at(NOW - i * 6 * HOUR, `c${String(i).padStart(5, '0')}`))
    const thin = new Set(checkpointsToThin(all, NOW))
    const kept = all.filter((c) => !thin.has(c.id)).map((c) => Date.parse(c.createdAt))
    const ages = kept.map((t) => NOW - t)
    const inTier = (from: number, to: number) => kept.filter((_, i) => ages[i]! >= from && ages[i]! < to)
    expect(inTier(0, THINNING.keepAllDays * DAY)).toHaveLength(THINNING.keepAllDays * 4)
    // One per UTC day, the last of it (18:00)
    const daily = inTier(THINNING.keepAllDays * DAY, THINNING.dailyDays * DAY)
    expect(new Set(daily.map((t) => new Date(t).toISOString().slice(0, 10))).size).toBe(daily.length)
    // (The newest is cut by the tier's edge: the last of its day is still in the keep-all tier.)
    expect(daily.slice(1).every((t) => new Date(t).getUTCHours() === 18)).toBe(true)
    // One per week, the last of it: a Sunday (or the tier's first week, cut by its edge).
    const weekly = inTier(THINNING.dailyDays * DAY, THINNING.weeklyDays * DAY)
    expect(weekly.length).toBeGreaterThanOrEqual(47)
    expect(weekly.length).toBeLessThanOrEqual(49)
    expect(weekly.slice(1).every((t) => new Date(t).getUTCDay() === 0 && new Date(t).getUTCHours() === 18)).toBe(true)
    // One per month beyond: about 24 in the two oldest years, each the month's last.
    const monthly = inTier(THINNING.weeklyDays * DAY, Infinity)
    expect(new Set(monthly.map((t) => new Date(t).toISOString().slice(0, 7))).size).toBe(monthly.length)
    expect(monthly.length).toBeGreaterThanOrEqual(23)
    expect(monthly.length).toBeLessThanOrEqual(25)
    // Bounded: a board edited all day every day for three years keeps ~110.
    expect(kept.length).toBeLessThan(120)
  })

  it('never thins named or before-restore checkpoints, and is idempotent', () => {
    const list = [at(NOW - 40 * DAY, 'a1'), at(NOW - 40 * DAY - HOUR, 'n1', 'named'), at(NOW - 40 * DAY - 2 * HOUR, 'b1', 'before-restore'), at(NOW - 40 * DAY - 3 * HOUR, 'a2')]
    const thin = checkpointsToThin(list, NOW)
    expect(thin).toEqual(['a2'])
    expect(checkpointsToThin(list.filter((c) => !thin.includes(c.id)), NOW)).toEqual([])
  })

  it('keeps checkpoints dated in the future (a clock set back) and ignores unreadable dates', () => {
    expect(checkpointsToThin([at(NOW + DAY, 'f1'), at(NOW + DAY + HOUR, 'f2'), { id: 'x', kind: 'auto', createdAt: 'garbage' }], NOW)).toEqual([])
  })
})
