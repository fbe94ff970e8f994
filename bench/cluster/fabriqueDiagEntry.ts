import { BoardLink } from '../../server/cluster/BoardLink'

/**
 * Fabrique's server with a count of what its boards read back from PostgreSQL because the
 * stream from the other instances had a gap (or on the periodic poll): run with
 * `BENCH_FABRIQUE_ENTRY=bench/cluster/fabriqueDiagEntry.ts npm run bench:cluster` (a
 * diagnostic run: the report is not rewritten). Every second, when something changed, it
 * writes one line `BENCH-DIAG {json}` to stderr; the bench keeps each instance's last one.
 * server/ is not changed: BoardLink's methods are wrapped here.
 */

const totals = {
  /** Times a board saw a row missing (a gap check was scheduled). */
  gapsSeen: 0,
  /** catchUp() calls: gap checks that found the gap still open, polls, Redis reconnects. */
  catchUps: 0,
  /** …of which with a row still missing when called (a gap older than CLUSTER_GAP_MS). */
  catchUpsOnGap: 0,
  /** Catch-ups that read at least one row. */
  catchUpsWithRows: 0,
  /** Rows read from PostgreSQL by catch-ups (BoardLink.caughtUpRows, summed). */
  rows: 0,
  boardsWithRows: 0,
}
const counted = new WeakMap<BoardLink, number>()

type Proto = { catchUp(this: BoardLink): Promise<void>; scheduleGapCheck(this: BoardLink): void }
const proto = BoardLink.prototype as unknown as Proto
const catchUp = proto.catchUp
proto.catchUp = function (this: BoardLink) {
  totals.catchUps++
  if ((this as unknown as { watermark: { hasGap: boolean } }).watermark.hasGap) totals.catchUpsOnGap++
  const before = this.caughtUpRows
  const done = catchUp.call(this)
  void done.then(() => {
    const seen = counted.get(this) ?? 0
    const now = this.caughtUpRows
    if (now > seen) {
      if (seen === 0) totals.boardsWithRows++
      totals.rows += now - seen
      counted.set(this, now)
    }
    if (now > before) totals.catchUpsWithRows++
  })
  return done
}
const scheduleGapCheck = proto.scheduleGapCheck
proto.scheduleGapCheck = function (this: BoardLink) {
  if (!(this as unknown as { gapTimer: unknown }).gapTimer) totals.gapsSeen++
  scheduleGapCheck.call(this)
}

let last = ''
setInterval(() => {
  const line = JSON.stringify(totals)
  if (line === last) return
  last = line
  process.stderr.write(`BENCH-DIAG ${line}\n`)
}, 1000).unref()

await import('../../server/main')
