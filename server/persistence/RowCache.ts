/**
 * A bounded in-memory cache of rows a storage reads on every connection (a board's lab, a
 * lab's token hashes): one Map, oldest entry dropped past `max`. The storage invalidates an
 * entry whenever it writes that row, so a rotated secret is refused at once.
 */
export class RowCache<V> {
  private readonly entries = new Map<string, V>()

  constructor(private readonly max = 10_000) {}

  get(key: string): V | undefined {
    return this.entries.get(key)
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.max && !this.entries.has(key)) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(key, value)
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }
}
