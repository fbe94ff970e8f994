/**
 * The first key of the two-key advisory locks Fabrique takes in PostgreSQL (`pg_advisory_xact_lock(
 * namespace, key)`), so they never meet another application's locks on the same database.
 * Both are transaction locks: released by commit or rollback, never left behind by a crash.
 */

/** Schema migrations; the second key is the hash of the schema's name. */
export const MIGRATION_LOCK = 0x0fab0001

/**
 * A board's update log; the second key is `hashtext(board id)`. Appends and compactions of a
 * board hold it from before taking a sequence number until their commit, so a board's numbers
 * grow in commit order even with several instances: once a reader has seen row `n`, every row
 * committed later has a larger number, and reading from `n` never misses one. (Two boards whose
 * hashes collide only wait for each other.)
 */
export const BOARD_LOG_LOCK = 0x0fab0002
