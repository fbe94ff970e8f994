import type { Pool } from 'pg'
import { MIGRATION_LOCK } from './advisoryLocks'
import { inTransaction } from './inTransaction'

/**
 * Schema migrations of the PostgreSQL backend, applied in order; the index + 1 is the version
 * recorded in `schema_migrations`. Migration 1 is SQLite's migrations 1–6 as one schema.
 *
 * Text the storage sorts or compares (ids, keys, ISO times) is `COLLATE "C"`: byte order of
 * UTF-8, as SQLite compares text, whatever the database's locale. JSON stays `text`, so a
 * value reads back byte for byte as written (jsonb would reorder keys). Sizes are `integer`
 * (node-postgres answers them as numbers); sequence numbers are `bigint`.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE labs (
     id text COLLATE "C" PRIMARY KEY,
     title text NOT NULL,
     theme text NOT NULL DEFAULT '',
     territory text NOT NULL DEFAULT '',
     start_date text,
     phase text NOT NULL,
     members text NOT NULL DEFAULT '[]',
     activities text NOT NULL DEFAULT '{}',
     created_at text COLLATE "C" NOT NULL,
     updated_at text COLLATE "C" NOT NULL,
     facilitator_hash text NOT NULL,
     participant_hash text NOT NULL,
     viewer_hash text NOT NULL,
     -- The invitation links' secrets, readable again by facilitators (null: unknown until rotated).
     participant_token text,
     viewer_token text
   );
   CREATE TABLE boards (
     id text COLLATE "C" PRIMARY KEY,
     lab_id text COLLATE "C" NOT NULL REFERENCES labs(id),
     title text NOT NULL,
     phase text NOT NULL,
     template text,
     created_at text COLLATE "C" NOT NULL,
     updated_at text COLLATE "C" NOT NULL,
     archived boolean NOT NULL DEFAULT false,
     deleted_at text COLLATE "C"
   );
   CREATE INDEX boards_by_lab ON boards (lab_id, created_at, id);
   -- No foreign key, as in SQLite: a room's appends never wait on the boards table. Each
   -- board numbers its rows 1, 2, 3… without gaps, in commit order: an append takes the next
   -- numbers from the board's row in board_log_heads, whose lock it holds until its commit.
   -- An instance that holds row n and receives row n + 2 knows it missed one.
   CREATE TABLE board_updates (
     board_id text COLLATE "C" NOT NULL,
     seq bigint NOT NULL,
     data bytea NOT NULL,
     PRIMARY KEY (board_id, seq)
   );
   CREATE TABLE board_log_heads (
     board_id text COLLATE "C" PRIMARY KEY,
     last_seq bigint NOT NULL
   );
   CREATE TABLE assets (
     board_id text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     content_type text NOT NULL,
     size integer NOT NULL,
     data bytea NOT NULL,
     created_at text COLLATE "C" NOT NULL,
     PRIMARY KEY (board_id, id)
   );
   -- Images are compressed already: kept out of line without trying again.
   ALTER TABLE assets ALTER COLUMN data SET STORAGE EXTERNAL;
   CREATE TABLE identities (
     id text COLLATE "C" PRIMARY KEY,
     lab_id text COLLATE "C" NOT NULL REFERENCES labs(id),
     name text NOT NULL,
     color text NOT NULL,
     secret_hash text NOT NULL,
     created_at text COLLATE "C" NOT NULL
   );
   -- The server's signing key (tickets, image grants), shared by every instance.
   CREATE TABLE settings (
     key text COLLATE "C" PRIMARY KEY,
     value bytea NOT NULL
   );
   -- Board state kept out of the document (ballots, private notes before their reveal).
   CREATE TABLE board_secrets (
     board_id text COLLATE "C" NOT NULL REFERENCES boards(id),
     key text COLLATE "C" NOT NULL,
     value text NOT NULL,
     PRIMARY KEY (board_id, key)
   );
   -- History: checkpoints (state compressed by the history, kept as given) and the bin of
   -- deleted records. People are JSON ({id, name}), as they were named then.
   CREATE TABLE checkpoints (
     board_id text COLLATE "C" NOT NULL REFERENCES boards(id),
     id text COLLATE "C" NOT NULL,
     kind text NOT NULL,
     name text,
     created_at text COLLATE "C" NOT NULL,
     created_by text,
     contributors text NOT NULL DEFAULT '[]',
     asset_ids text NOT NULL DEFAULT '[]',
     state bytea NOT NULL,
     state_bytes integer NOT NULL,
     PRIMARY KEY (board_id, id)
   );
   ALTER TABLE checkpoints ALTER COLUMN state SET STORAGE EXTERNAL;
   CREATE INDEX checkpoints_by_time ON checkpoints (board_id, created_at);
   CREATE TABLE board_bin (
     board_id text COLLATE "C" NOT NULL REFERENCES boards(id),
     record_id text COLLATE "C" NOT NULL,
     batch text COLLATE "C" NOT NULL,
     record text NOT NULL,
     deleted_at text COLLATE "C" NOT NULL,
     deleted_by text,
     PRIMARY KEY (board_id, record_id)
   );
   CREATE INDEX board_bin_by_time ON board_bin (deleted_at);`,
]

/**
 * Brings the schema of the pool's database (its `search_path`) to the newest version, and
 * resolves with the versions it applied. All of it is one transaction under an advisory lock
 * of this schema: instances starting together wait for the first, which migrates; the others
 * then find nothing to do. A failed migration leaves the schema as it was.
 */
export async function migratePostgres(pool: Pool, migrations: readonly string[] = POSTGRES_MIGRATIONS): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))", [MIGRATION_LOCK])
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM schema_migrations')
    const applied: number[] = []
    for (let version = rows[0]!.version + 1; version <= migrations.length; version++) {
      // No parameters: the simple protocol runs every statement of the migration.
      await client.query(migrations[version - 1]!)
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version])
      applied.push(version)
    }
    return applied
  })
}
