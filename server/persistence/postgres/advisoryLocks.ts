/**
 * The first key of the two-key advisory locks Fabrique takes in PostgreSQL (`pg_advisory_xact_lock(
 * namespace, key)`), so they never meet another application's locks on the same database.
 * Both are transaction locks: released by commit or rollback, never left behind by a crash.
 */

/** Schema migrations; the second key is the hash of the schema's name. */
export const MIGRATION_LOCK = 0x0fab0001

/**
 * A board's update log, held by compactions (the second key is `hashtext(board id)`): two
 * instances never compact one board at once. Appends need no advisory lock: each takes its
 * numbers from the board's row in `board_log_heads` and holds that row's lock until it commits,
 * so a board's rows are numbered 1, 2, 3… in commit order. (Two boards whose hashes collide
 * only wait for each other.)
 */
export const BOARD_LOG_LOCK = 0x0fab0002
