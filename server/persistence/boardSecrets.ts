/**
 * What every backend checks before keeping a board secret (see `Storage.putBoardSecrets`), so
 * that they all refuse the same things: a key is a non-empty string of at most
 * {@link BOARD_SECRET_KEY_MAX} characters; a value is JSON, and null deletes the key.
 */

export const BOARD_SECRET_KEY_MAX = 512

/** The JSON text to keep under `key`, or null to delete it; throws when either is not acceptable. */
export function secretJson(key: string, value: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0 || key.length > BOARD_SECRET_KEY_MAX) {
    throw new Error(`putBoardSecrets: a key is 1 to ${BOARD_SECRET_KEY_MAX} characters`)
  }
  if (value === null) return null
  // JSON.stringify answers undefined for undefined and functions, and throws for BigInt and cycles.
  const json = JSON.stringify(value) as string | undefined
  if (json === undefined) throw new Error(`putBoardSecrets: the value of ${key} is not JSON`)
  return json
}

/** A GLOB pattern matching the text that starts with `prefix`, taken literally (SQLite's GLOB is case-sensitive). */
export function globPrefix(prefix: string): string {
  return prefix.replace(/[*?[]/g, (c) => `[${c}]`) + '*'
}
