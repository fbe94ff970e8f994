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

  it('keeps the last of each day until a month, then of each week (Monday–Sunday UTC) for ever', () => {
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
    // One per week beyond, the last of it: a Sunday (or the tier's first week, cut by its edge).
    const weekly = inTier(THINNING.dailyDays * DAY, Infinity)
    const weeks = 3 * 365 / 7 - THINNING.dailyDays / 7
    expect(weekly.length).toBeGreaterThanOrEqual(Math.floor(weeks) - 1)
    expect(weekly.length).toBeLessThanOrEqual(Math.ceil(weeks) + 1)
    expect(weekly.slice(1, -1).every((t) => new Date(t).getUTCDay() === 0 && new Date(t).getUTCHours() === 18)).toBe(true)
    // Bounded: a board edited all day every day for three years keeps ~8 + 28 + 52 a year.
    expect(kept.length).toBeLessThan(8 + 28 + 3 * 53)
  })

  it('a weekly workshop is still there years later: the state after each one (the last person leaving) is kept', () => {
    // Each Tuesday for three years: an automatic checkpoint mid-workshop, one when everyone has left.
    const tuesday = Date.UTC(2027, 2, 16, 0)
    const list: ThinnableCheckpoint[] = []
    for (let w = 0; w < 156; w++) {
      list.push(at(tuesday - w * 7 * DAY + 15 * HOUR, `mid${w}`), at(tuesday - w * 7 * DAY + 17 * HOUR, `end${w}`))
    }
    const thin = new Set(checkpointsToThin(list, NOW))
    const ends = list.filter((c) => c.id.startsWith('end'))
    expect(ends.filter((c) => thin.has(c.id))).toEqual([])
    // Mid-workshop ones go once past the keep-all days.
    expect(list.filter((c) => c.id.startsWith('mid') && !thin.has(c.id)).map((c) => c.id)).toEqual(['mid0'])
  })

  it('a named or before-restore checkpoint later in the same week stands for it: the week’s automatic one goes (past a month)', () => {
    const monday = Date.UTC(2026, 10, 2, 9) // 135 days before NOW, a Monday
    const list = [
      at(monday + 2 * HOUR, 'auto-before-named'),
      at(monday + 3 * HOUR, 'named', 'named'),
      at(monday + 7 * DAY + 2 * HOUR, 'auto-after-named'),
      at(monday + 7 * DAY + HOUR, 'named-earlier', 'named'),
      at(monday + 14 * DAY + 2 * HOUR, 'auto-before-restore'),
      at(monday + 14 * DAY + 3 * HOUR, 'before-restore', 'before-restore'),
      // Within the daily tier a named checkpoint changes nothing.
      at(NOW - 5 * DAY, 'recent-auto'),
      at(NOW - 5 * DAY + HOUR, 'recent-named', 'named'),
    ]
    expect(checkpointsToThin(list, NOW).sort()).toEqual(['auto-before-named', 'auto-before-restore'])
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
