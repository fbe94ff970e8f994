import type { CheckpointKind } from '../../shared/history'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * How automatic checkpoints are thinned as they age (named and before-restore ones are always
 * kept): every one of the last {@link THINNING.keepAllDays} days; then the last of each day
 * until {@link THINNING.dailyDays} days; beyond, the last of each week (Monday to Sunday, UTC)
 * for ever — so a lab meeting weekly still sees its board as it was after every workshop,
 * years later — unless a named or before-restore checkpoint taken later in that week already
 * holds the week's last state. A board edited every day for ever keeps at most
 * ~2×(checkpoints a day) + 28 + 52 a year of them.
 */
export const THINNING = {
  keepAllDays: 2,
  dailyDays: 30,
} as const

/** What thinning reads of a checkpoint. */
export interface ThinnableCheckpoint {
  id: string
  kind: CheckpointKind
  createdAt: string
}

/** Days since 1970-01-05 (a Monday), in weeks: a week's bucket, Monday to Sunday UTC. */
export function weekOf(time: number): number {
  return Math.floor((time / DAY_MS - 4) / 7)
}

/**
 * The automatic checkpoints to delete at `now` (ms): in each period of its age tier, the last
 * one is kept (the board as the day or week ended); past the daily tier, not even that one when
 * a named or before-restore checkpoint of the same week is newer. Checkpoints from the future
 * (a clock set back) are kept. Only deletes: running it again changes nothing.
 */
export function checkpointsToThin(checkpoints: readonly ThinnableCheckpoint[], now: number): string[] {
  const dated = checkpoints.map((c) => ({ id: c.id, kind: c.kind, time: Date.parse(c.createdAt) })).filter((c) => Number.isFinite(c.time))
  // The newest checkpoint that is never thinned, per week.
  const keptUntil = new Map<number, number>()
  for (const c of dated) {
    if (c.kind === 'auto') continue
    const week = weekOf(c.time)
    keptUntil.set(week, Math.max(keptUntil.get(week) ?? -Infinity, c.time))
  }
  const autos = dated.filter((c) => c.kind === 'auto').sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1))
  const seen = new Set<string>()
  const thin: string[] = []
  for (const { id, time } of autos) {
    const age = now - time
    if (age < THINNING.keepAllDays * DAY_MS) continue
    const daily = age < THINNING.dailyDays * DAY_MS
    const bucket = daily ? `d${new Date(time).toISOString().slice(0, 10)}` : `w${weekOf(time)}`
    if (seen.has(bucket)) thin.push(id)
    else {
      seen.add(bucket)
      if (!daily && (keptUntil.get(weekOf(time)) ?? -Infinity) > time) thin.push(id)
    }
  }
  return thin
}
