/**
 * The record each writer puts in its Y.Map entry starts with a marker naming the write and
 * when it was sent:
 *
 *     #BMK<writer: 6 digits><seq: 6 digits><sent at, µs: 16 digits>#xxxx…
 *
 * Yjs writes strings as raw UTF-8 inside updates, so a reader finds the marker by scanning the
 * bytes of an incoming update: it needs no Y.Doc. Times come from {@link nowUs}, the monotonic
 * clock shared by every thread and process on the machine.
 */

const PREFIX = '#BMK'
export const MARKER_PREFIX = Buffer.from(PREFIX, 'latin1')
const WRITER_DIGITS = 6
const SEQ_DIGITS = 6
const TIME_DIGITS = 16
/** Length of the marker, prefix and closing `#` included. */
export const MARKER_LENGTH = PREFIX.length + WRITER_DIGITS + SEQ_DIGITS + TIME_DIGITS + 1

/** Microseconds on CLOCK_MONOTONIC: comparable across worker threads and processes. */
export function nowUs(): number {
  const [s, ns] = process.hrtime()
  return s * 1e6 + Math.floor(ns / 1e3)
}

const FILLER = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** The record a writer writes: marker, then filler up to `length` characters (ASCII). */
export function makeRecord(writer: number, seq: number, sentUs: number, length: number): string {
  const marker =
    PREFIX + String(writer).padStart(WRITER_DIGITS, '0') + String(seq).padStart(SEQ_DIGITS, '0') + String(sentUs).padStart(TIME_DIGITS, '0') + '#'
  let filler = ''
  const n = Math.max(0, length - marker.length)
  // Varies with the write so that no two records are byte-identical.
  const shift = (writer * 7 + seq) % FILLER.length
  while (filler.length < n) filler += FILLER.slice(shift) + FILLER.slice(0, shift)
  return marker + filler.slice(0, n)
}

function readDigits(buf: Uint8Array, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const d = buf[i]! - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

/** Calls `found` for every well-formed marker in `buf` from `start` on. Returns how many. */
export function scanMarkers(buf: Buffer, start: number, found: (writer: number, seq: number, sentUs: number) => void): number {
  let n = 0
  let at = buf.indexOf(MARKER_PREFIX, start)
  while (at !== -1 && at + MARKER_LENGTH <= buf.length) {
    let p = at + PREFIX.length
    const writer = readDigits(buf, p, WRITER_DIGITS)
    p += WRITER_DIGITS
    const seq = readDigits(buf, p, SEQ_DIGITS)
    p += SEQ_DIGITS
    const sentUs = readDigits(buf, p, TIME_DIGITS)
    p += TIME_DIGITS
    if (writer >= 0 && seq >= 0 && sentUs >= 0 && buf[p] === 0x23) {
      found(writer, seq, sentUs)
      n++
      at = buf.indexOf(MARKER_PREFIX, p + 1)
    } else {
      at = buf.indexOf(MARKER_PREFIX, at + 1)
    }
  }
  return n
}
