/**
 * Counts, for one worker's boards, which (write, reader) pairs arrived and how long each took.
 *
 * Writers are the first `writersPerBoard` clients of a board; writer id = board × writersPerBoard
 * + slot. A reader is every other client of the writer's board (writers read each other). The
 * worker hosts the boards `firstBoard … firstBoard + boards - 1`.
 */
export interface RecorderShape {
  firstBoard: number
  boards: number
  clientsPerBoard: number
  writersPerBoard: number
  writesPerWriter: number
}

export class DeliveryRecorder {
  /** Only markers arriving while this is true count (from the first write to the end of the drain). */
  counting = false
  delivered = 0
  duplicates = 0
  /** Markers of a writer from another board, or out of range: must stay 0. */
  foreign = 0
  /** Writes actually sent, per local writer. */
  readonly sent: Uint32Array
  private latencies = new Float64Array(1 << 16)
  private latencyCount = 0
  /** Highest seq seen per (reader, writer slot): deliveries are in order per writer. */
  private readonly lastSeq: Int32Array
  /** Per local write: how many readers got it, and the latest arrival. */
  private readonly fanoutCount: Uint16Array
  private readonly fanoutMaxUs: Float64Array

  constructor(private readonly shape: RecorderShape) {
    const writers = shape.boards * shape.writersPerBoard
    this.sent = new Uint32Array(writers)
    this.lastSeq = new Int32Array(shape.boards * shape.clientsPerBoard * shape.writersPerBoard).fill(-1)
    this.fanoutCount = new Uint16Array(writers * shape.writesPerWriter)
    this.fanoutMaxUs = new Float64Array(writers * shape.writesPerWriter)
  }

  /** A reader at (`board`, `slot`) received write `seq` of writer `writerId` sent at `sentUs`. */
  record(board: number, slot: number, writerId: number, seq: number, sentUs: number, arrivalUs: number): void {
    if (!this.counting) return
    const { firstBoard, boards, clientsPerBoard, writersPerBoard, writesPerWriter } = this.shape
    const writerBoard = Math.floor(writerId / writersPerBoard)
    const writerSlot = writerId - writerBoard * writersPerBoard
    if (writerBoard !== board || seq >= writesPerWriter || board < firstBoard || board >= firstBoard + boards) {
      this.foreign++
      return
    }
    // A writer's own write echoed back (y-websocket and Hocuspocus echo to the sender).
    if (writerSlot === slot) return
    const localBoard = board - firstBoard
    const seqIndex = (localBoard * clientsPerBoard + slot) * writersPerBoard + writerSlot
    if (seq <= this.lastSeq[seqIndex]!) {
      this.duplicates++
      return
    }
    this.lastSeq[seqIndex] = seq
    const latency = arrivalUs - sentUs
    this.pushLatency(latency)
    this.delivered++
    const w = (localBoard * writersPerBoard + writerSlot) * writesPerWriter + seq
    this.fanoutCount[w]!++
    if (latency > this.fanoutMaxUs[w]!) this.fanoutMaxUs[w] = latency
  }

  private pushLatency(us: number): void {
    if (this.latencyCount === this.latencies.length) {
      const bigger = new Float64Array(this.latencies.length * 2)
      bigger.set(this.latencies)
      this.latencies = bigger
    }
    this.latencies[this.latencyCount++] = us
  }

  /** Local index of a writer of this worker. */
  localWriter(writerId: number): number {
    return writerId - this.shape.firstBoard * this.shape.writersPerBoard
  }

  get writesSent(): number {
    let n = 0
    for (const s of this.sent) n += s
    return n
  }

  /** (write, reader) pairs that should have arrived. */
  get expected(): number {
    return this.writesSent * (this.shape.clientsPerBoard - 1)
  }

  /** Latency of every delivered pair, µs. */
  latencySamples(): Float64Array {
    return this.latencies.slice(0, this.latencyCount)
  }

  /**
   * For every write that reached all its readers: time until the last one had it, µs.
   * Also how many sent writes reached everyone, and how many reached no one.
   */
  fanoutSamples(): { complete: Float64Array; completeWrites: number; lostWrites: number } {
    const { writersPerBoard, clientsPerBoard, writesPerWriter, boards } = this.shape
    const out: number[] = []
    let lost = 0
    for (let w = 0; w < boards * writersPerBoard; w++) {
      for (let seq = 0; seq < this.sent[w]!; seq++) {
        const i = w * writesPerWriter + seq
        if (this.fanoutCount[i] === clientsPerBoard - 1) out.push(this.fanoutMaxUs[i]!)
        else if (this.fanoutCount[i] === 0) lost++
      }
    }
    return { complete: Float64Array.from(out), completeWrites: out.length, lostWrites: lost }
  }
}
