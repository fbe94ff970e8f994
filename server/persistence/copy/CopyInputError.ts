/**
 * Input the copy cannot start from: a missing data directory, a file that is not a Fabrique
 * database, a PostgreSQL that does not answer or a schema that does not exist. Thrown before
 * anything is written; the message says what is wrong and what to do (the command exits 2).
 */
export class CopyInputError extends Error {
  override name = 'CopyInputError'
}
