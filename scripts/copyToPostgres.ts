// `npm run copy-to-postgres -- --data-dir <dir> --database-url <postgres://…> [--schema <name>] [--verify-only]`
// Copies a SQLite DATA_DIR into PostgreSQL (see server/persistence/copy/copySqliteToPostgres.ts),
// then compares every board on both sides. Without the flags, DATA_DIR and DATABASE_URL are read
// from the environment. Stop the SQLite server first: what it writes after the copy began is not
// copied. Exit code: 0 everything verified equal, 1 a difference (or the copy failed midway: run
// again, it goes on), 2 bad input (nothing written).
import { parseArgs } from 'node:util'
import { copySqliteToPostgres } from '../server/persistence/copy/copySqliteToPostgres'
import { CopyInputError } from '../server/persistence/copy/CopyInputError'
import { formatCopyEvent, formatCopyReport } from '../server/persistence/copy/formatCopyReport'

const USAGE = `usage: npm run copy-to-postgres -- --data-dir <dir> --database-url <postgres://…> [--schema <name>] [--verify-only]
  --data-dir      the SQLite server's DATA_DIR (default: $DATA_DIR)
  --database-url  PostgreSQL to copy into (default: $DATABASE_URL)
  --schema        the schema to copy into, which must exist (default: the URL's own search_path, usually public)
  --verify-only   compare only, write nothing
exit code: 0 verified equal, 1 a difference or conflict, 2 bad input`

function fail(message: string): never {
  process.stderr.write(`copy-to-postgres: ${message}\n`)
  process.exit(2)
}

let args: ReturnType<typeof parse>
function parse() {
  return parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      schema: { type: 'string' },
      'verify-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  })
}
try {
  args = parse()
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`)
}
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
const dataDir = args.values['data-dir'] ?? process.env.DATA_DIR?.trim()
const databaseUrl = args.values['database-url'] ?? process.env.DATABASE_URL?.trim()
if (!dataDir) fail(`no data directory: give --data-dir or set DATA_DIR\n${USAGE}`)
if (!databaseUrl) fail(`no PostgreSQL to copy into: give --database-url or set DATABASE_URL\n${USAGE}`)

try {
  const report = await copySqliteToPostgres({
    dataDir,
    databaseUrl,
    ...(args.values.schema !== undefined && { schema: args.values.schema }),
    verifyOnly: args.values['verify-only'],
    onProgress(event) {
      const line = formatCopyEvent(event)
      if (line !== null) process.stdout.write(`${line}\n`)
    },
  })
  process.stdout.write(`${formatCopyReport(report)}\n`)
  process.exit(report.ok ? 0 : 1)
} catch (err) {
  if (err instanceof CopyInputError) fail(`${err.message}\nNothing was written.`)
  process.stderr.write(`copy-to-postgres: ${(err as Error).message}\n`)
  process.exit(1)
}
