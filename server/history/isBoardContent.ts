/**
 * Whether a record of the board's `records` map is the board's content. tldraw keeps a `user:`
 * record for each person who opened the board (their name and colour): opening a board is
 * not editing it, and a restore leaves those records as they are.
 */
export function isBoardContent(id: string, record: unknown): boolean {
  return !id.startsWith('user:') && (record as { typeName?: unknown } | undefined)?.typeName !== 'user'
}
