import { describe, expect, it } from 'vitest'
import { FlushScheduler, type SchedulerClock } from '../../server/rooms/FlushScheduler'

/** A clock moved by hand: timers run when `advance` passes them. */
class FakeClock implements SchedulerClock {
  time = 0
  private timers: { at: number; run: () => void }[] = []
  now(): number {
    return this.time
  }
  setTimeout(run: () => void, ms: number): unknown {
    this.timers.push({ at: this.time + ms, run })
    return null
  }
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at)
      const next = this.timers[0]
      if (!next || next.at > end) break
      this.timers.shift()
      this.time = next.at
      next.run()
    }
    this.time = end
  }
}

describe('FlushScheduler', () => {
  it('after a quiet spell, runs the first flush once its update is minAgeMs old, with the others due by then', () => {
    const clock = new FakeClock()
    const scheduler = new FlushScheduler(8, 2, clock)
    const ran: [string, number][] = []
    scheduler.schedule(() => ran.push(['a', clock.now()]))
    clock.advance(0.5)
    // Another board's burst half a millisecond later: it is not old enough when a runs.
    scheduler.schedule(() => ran.push(['b', clock.now()]))
    clock.advance(1.4)
    expect(ran).toEqual([])
    clock.advance(0.1)
    expect(ran).toEqual([['a', 2]])
    // b waits for the next run, a window after a's.
    clock.advance(7.9)
    expect(ran).toEqual([['a', 2]])
    clock.advance(0.1)
    expect(ran).toEqual([
      ['a', 2],
      ['b', 10],
    ])
  })

  it('under load, runs at most once per window, holding every room due', () => {
    const clock = new FakeClock()
    const scheduler = new FlushScheduler(8, 2, clock)
    const runs: number[] = []
    let last = -1
    const flush = () => {
      if (clock.now() !== last) runs.push(clock.now())
      last = clock.now()
    }
    // A board's update every half millisecond for 40 ms: 80 updates, 5 runs.
    for (let t = 0; t < 40; t += 0.5) {
      scheduler.schedule(flush)
      clock.advance(0.5)
    }
    clock.advance(20)
    expect(runs).toEqual([2, 10, 18, 26, 34, 42])
    for (let i = 1; i < runs.length; i++) expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(8)
  })

  it('no update waits longer than the window and minAgeMs together', () => {
    const clock = new FakeClock()
    const scheduler = new FlushScheduler(8, 2, clock)
    let worst = 0
    // Updates at irregular times (a fixed pseudo-random sequence) for 200 ms.
    let seed = 7
    for (let i = 0; i < 400; i++) {
      const at = clock.now()
      scheduler.schedule(() => (worst = Math.max(worst, clock.now() - at)))
      seed = (seed * 48271) % 2147483647
      clock.advance((seed % 1000) / 1000)
    }
    clock.advance(20)
    expect(worst).toBeGreaterThan(2)
    expect(worst).toBeLessThanOrEqual(10)
  })

  it('a timer that fires early (the event loop counts from its cached time) is not a run: the flush waits for its own age', () => {
    const clock = new FakeClock()
    // A clock whose timers fire 0.7 ms early, as Node's can.
    const early: SchedulerClock = { now: () => clock.now(), setTimeout: (run, ms) => clock.setTimeout(run, Math.max(0.3, ms - 0.7)) }
    const scheduler = new FlushScheduler(8, 2, early)
    const ran: number[] = []
    scheduler.schedule(() => ran.push(clock.now()))
    clock.advance(1.3)
    expect(ran).toEqual([])
    clock.advance(1)
    expect(ran).toHaveLength(1)
    expect(ran[0]).toBeGreaterThanOrEqual(2)
    expect(ran[0]).toBeLessThan(3)
  })

  it('with no window, runs everything scheduled in one callback as one microtask', async () => {
    const scheduler = new FlushScheduler(0)
    const ran: string[] = []
    scheduler.schedule(() => ran.push('a'))
    scheduler.schedule(() => ran.push('b'))
    expect(ran).toEqual([])
    await Promise.resolve()
    expect(ran).toEqual(['a', 'b'])
  })

  it('a flush scheduled while others run waits for the next window', () => {
    const clock = new FakeClock()
    const scheduler = new FlushScheduler(8, 2, clock)
    const ran: [string, number][] = []
    scheduler.schedule(() => {
      ran.push(['a', clock.now()])
      scheduler.schedule(() => ran.push(['a again', clock.now()]))
    })
    clock.advance(20)
    expect(ran).toEqual([
      ['a', 2],
      ['a again', 10],
    ])
  })
})
