/**
 * Which rows of a board's stored log the room's document holds, by sequence number. On
 * PostgreSQL a board's rows are numbered without gaps (1, 2, 3… in commit order), so the room
 * knows it holds every row up to {@link value} — what compaction may replace — and sees a gap
 * when a row arrives (its own or another instance's) past the next one: a message was lost
 * or is late, and the room catches up from storage if it is not filled soon.
 */
export class SeqWatermark {
  private held = new Set<number>()

  constructor(private current: number) {}

  /** Every row up to this one is in the document. */
  get value(): number {
    return this.current
  }

  /** Rows in the document past a gap, waiting for the gap to be filled. */
  get hasGap(): boolean {
    return this.held.size > 0
  }

  /** Row `seq` is in the document. */
  add(seq: number): void {
    if (seq <= this.current) return
    this.held.add(seq)
    while (this.held.delete(this.current + 1)) this.current++
  }

  /** Every row up to `seq` is in the document (read from storage). */
  advanceTo(seq: number): void {
    if (seq > this.current) this.current = seq
    for (const s of this.held) if (s <= this.current) this.held.delete(s)
    while (this.held.delete(this.current + 1)) this.current++
  }
}
