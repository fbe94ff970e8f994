/** Summaries of samples: nearest-rank percentiles. */

export interface Summary {
  count: number
  mean: number
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
}

const EMPTY: Summary = { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }

/** Summarises samples (any unit), scaled by `scale` (e.g. 1/1000 for µs → ms). */
export function summarize(samples: ArrayLike<number>, scale = 1): Summary {
  const n = samples.length
  if (n === 0) return { ...EMPTY }
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (let i = 0; i < n; i++) sum += sorted[i]!
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]! * scale
  return {
    count: n,
    mean: (sum / n) * scale,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted[n - 1]! * scale,
  }
}

/** Concatenates typed arrays. */
export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Rounds for display and JSON: `digits` decimals. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export function roundSummary(s: Summary, digits = 2): Summary {
  return {
    count: s.count,
    mean: round(s.mean, digits),
    p50: round(s.p50, digits),
    p90: round(s.p90, digits),
    p99: round(s.p99, digits),
    p999: round(s.p999, digits),
    max: round(s.max, digits),
  }
}
