import type { CheckpointKind } from '../../shared/history'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * How automatic checkpoints are thinned as they age (named and before-restore ones are always
 * kept): every one of the last {@link THINNING.keepAllDays} days; then the last of each day
 * until {@link THINNING.dailyDays} days; the last of each week (Monday to Sunday, UTC) until
 * {@link THINNING.weeklyDays} days; beyond, the last of each month. A board edited every day
 * for ever keeps at most ~10 + 30 + 48 + 12 a year of them.
 */
export const THINNING = {
  keepAllDays: 2,
  dailyDays: 30,
  weeklyDays: 365,
} as const

/** What thinning reads of a checkpoint. */
export interface ThinnableCheckpoint {
  id: string
  kind: CheckpointKind
  createdAt: string
}

/** Days since 1970-01-05 (a Monday), in weeks: a week's bucket, Monday to Sunday UTC. */
function weekOf(time: number): number {
  return Math.floor((time / DAY_MS - 4) / 7)
}

/**
 * The automatic checkpoints to delete at `now` (ms): in each period of its age tier, the last
 * one is kept (the board as the day, week or month ended). Checkpoints from the future (a
 * clock set back) are kept. Only deletes: running it again changes nothing.
 */
export function checkpointsToThin(checkpoints: readonly ThinnableCheckpoint[], now: number): string[] {
  const autos = checkpoints
    .filter((c) => c.kind === 'auto')
    .map((c) => ({ id: c.id, time: Date.parse(c.createdAt) }))
    .filter((c) => Number.isFinite(c.time))
    .sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1))
  const seen = new Set<string>()
  const thin: string[] = []
  for (const { id, time } of autos) {
    const age = now - time
    if (age < THINNING.keepAllDays * DAY_MS) continue
    const iso = new Date(time).toISOString()
    const bucket = age < THINNING.dailyDays * DAY_MS ? `d${iso.slice(0, 10)}` : age < THINNING.weeklyDays * DAY_MS ? `w${weekOf(time)}` : `m${iso.slice(0, 7)}`
    if (seen.has(bucket)) thin.push(id)
    else seen.add(bucket)
  }
  return thin
}
