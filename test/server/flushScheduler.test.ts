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
  it('runs the flushes due together, once the window after the first has passed', () => {
    const clock = new FakeClock()
    const scheduler = new FlushScheduler(3, 1, clock)
    const ran: string[] = []
    scheduler.schedule(() => ran.push('a'))
    clock.advance(1.5)
    scheduler.schedule(() => ran.push('b'))
    clock.advance(1.4)
    expect(ran).toEqual([])
    clock.advance(0.1)
    expect(ran).toEqual(['a', 'b'])
  })

  it('lets a room whose first update is younger than minAgeMs wait for its own deadline, so its burst is not cut in two', () => {
    const clock = new FakeClock()
    const scheduler = new FlushScheduler(3, 1, clock)
    const ran: [string, number][] = []
    const flush = (name: string) => () => ran.push([name, clock.now()])
    scheduler.schedule(flush('room A'))
    clock.advance(2.6)
    // Room B's burst starts 0.4 ms before room A is due.
    scheduler.schedule(flush('room B'))
    clock.advance(0.4)
    expect(ran).toEqual([['room A', 3]])
    // The rest of B's burst arrives (the room flushes once per schedule: it is still pending).
    clock.advance(2.5)
    expect(ran).toEqual([['room A', 3]])
    clock.advance(0.1)
    // B waited exactly its window: no update waits longer than it.
    expect(ran).toEqual([
      ['room A', 3],
      ['room B', 5.6],
    ])
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
    const scheduler = new FlushScheduler(3, 1, clock)
    const ran: [string, number][] = []
    scheduler.schedule(() => {
      ran.push(['a', clock.now()])
      scheduler.schedule(() => ran.push(['a again', clock.now()]))
    })
    clock.advance(10)
    expect(ran).toEqual([
      ['a', 3],
      ['a again', 6],
    ])
  })
})
