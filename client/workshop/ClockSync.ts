import { atom, type Atom } from 'tldraw'
import { clockOffset, type ClockSample } from '../../shared/workshop/clock'
import type { WorkshopCommand } from '../../shared/workshop/commands'

/** Round trips measured on each (re)connection: the shortest one gives the offset. */
const SAMPLES_PER_CONNECTION = 5

/**
 * The offset between this device's clock and the server's, measured with a few `clock` round
 * trips on every (re)connection. Timers show the server's deadline minus this offset, so every
 * screen shows the same remaining time whatever its own clock says.
 */
export class ClockSync {
  /** Server time minus `Date.now()`, ms (0 until measured). */
  readonly $offset: Atom<number> = atom('fabrique clock offset', 0)
  private samples: ClockSample[] = []
  private waiting = new Map<number, (sample: ClockSample) => void>()
  /** Bumped on every (re)connection: a run of an older connection stops. */
  private generation = 0
  private measured = false

  constructor(private readonly send: (command: WorkshopCommand) => void) {}

  /** The server's time now, as this device estimates it. */
  now(): number {
    return Date.now() + this.$offset.get()
  }

  /** A connection opened (after `hello`): measures again. */
  connected(): void {
    const generation = ++this.generation
    this.samples = []
    void this.run(generation)
  }

  disconnected(): void {
    this.generation++
    this.waiting.clear()
  }

  /** `welcome` carries the server's time: a first estimate until round trips are measured. */
  welcomed(serverTime: number): void {
    if (!this.measured) this.$offset.set(serverTime - Date.now())
  }

  /** A `clock` answer arrived. */
  answered(sentAt: number, serverTime: number): void {
    const resolve = this.waiting.get(sentAt)
    if (!resolve) return
    this.waiting.delete(sentAt)
    resolve({ sentAt, serverTime, receivedAt: Date.now() })
  }

  private async run(generation: number): Promise<void> {
    for (let i = 0; i < SAMPLES_PER_CONNECTION && generation === this.generation; i++) {
      let sentAt = Date.now()
      // Two requests in the same millisecond would share an answer slot.
      while (this.waiting.has(sentAt)) sentAt += 0.001
      const answer = new Promise<ClockSample>((resolve) => this.waiting.set(sentAt, resolve))
      this.send({ type: 'clock', sentAt })
      const sample = await answer
      if (generation !== this.generation) return
      this.samples.push(sample)
      this.measured = true
      this.$offset.set(clockOffset(this.samples))
    }
  }

  destroy(): void {
    this.disconnected()
  }
}
