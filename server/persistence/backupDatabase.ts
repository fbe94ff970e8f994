import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

/**
 * Writes a consistent copy of a Fabrique database to `target` while the server keeps running
 * (SQLite's online backup: pages are copied in steps, and writes made meanwhile restart the
 * copy of what they touched, so the copy is a state the database really had). The copy is a
 * plain SQLite file, WAL included: restoring is copying it to `<DATA_DIR>/fabrique.db` with the
 * server stopped.
 */
export async function backupDatabase(dataDir: string, target: string): Promise<{ bytes: number; pages: number }> {
  const source = path.join(dataDir, 'fabrique.db')
  if (!fs.existsSync(source)) throw new Error(`backup: no database at ${source}`)
  const destination = path.resolve(target)
  if (fs.existsSync(destination)) throw new Error(`backup: ${destination} exists; choose a new file`)
  fs.mkdirSync(path.dirname(destination), { recursive: true })
  const db = new Database(source, { readonly: true, fileMustExist: true })
  try {
    const { totalPages } = await db.backup(destination)
    return { bytes: fs.statSync(destination).size, pages: totalPages }
  } finally {
    db.close()
  }
}
