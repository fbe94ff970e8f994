/** Counts the changes the rooms refused, by rule; `/healthz` shows it. */
export class RefusalCounter {
  total = 0
  readonly byRule: Record<string, number> = {}

  count(rule: string, n = 1): void {
    this.total += n
    this.byRule[rule] = (this.byRule[rule] ?? 0) + n
  }

  toJSON(): { total: number; byRule: Record<string, number> } {
    return { total: this.total, byRule: { ...this.byRule } }
  }
}
