import type { Pool, PoolClient } from 'pg'

/**
 * Runs `work` in one transaction on one of the pool's connections: committed when it resolves,
 * rolled back when it rejects (and the rejection passed on). A connection that cannot even roll
 * back is dropped from the pool instead of being reused.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError
    })
    throw err
  } finally {
    client.release(broken)
  }
}
