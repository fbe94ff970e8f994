// `npm run backup -- <file>`: a consistent copy of the database of DATA_DIR (default ./data),
// taken while the server runs. Restore: stop the server, copy the file to
// <DATA_DIR>/fabrique.db (removing fabrique.db-wal and fabrique.db-shm), start it again.
import { loadConfig } from '../server/config'
import { backupDatabase } from '../server/persistence/backupDatabase'

const target = process.argv[2]
if (!target) {
  process.stderr.write('usage: npm run backup -- <file>   (reads DATA_DIR, default ./data)\n')
  process.exit(2)
}
try {
  const { dataDir } = loadConfig()
  const { bytes, pages } = await backupDatabase(dataDir, target)
  process.stdout.write(`backup of ${dataDir}/fabrique.db written to ${target}: ${(bytes / 1024 / 1024).toFixed(1)} MiB, ${pages} pages\n`)
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`)
  process.exit(1)
}
