import { isDeepStrictEqual } from 'node:util'
import type { SerializedSchema } from '@tldraw/store'
import { readStoredSchema } from '../../shared/boardDoc'
import type { RoomHooks } from '../rooms/RoomHooks'

/**
 * The server owns a board's schema: when a board written by an older tldraw (or with no
 * schema at all) is loaded, the server migrates its records and writes the current schema,
 * before any client is served. Clients never write `meta.schema` (the rules refuse it).
 *
 * tldraw's migration code (~25 MiB) is loaded only when a board needs it; `currentSchema`
 * comes prebuilt with the production build.
 */
export function createSchemaMigration({ currentSchema }: { currentSchema: () => Promise<SerializedSchema> }): RoomHooks {
  return {
    async onLoad({ room }) {
      const stored = readStoredSchema(room.doc)
      if (stored && isDeepStrictEqual(stored, await currentSchema())) return
      const { createBoardSchema, readBoardRecords, writeMigration, writeSchema } = await import('../../shared/tldrawDoc')
      const schema = createBoardSchema()
      let read: ReturnType<typeof readBoardRecords>
      try {
        read = readBoardRecords(room.doc, schema)
      } catch (err) {
        // Not a schema at all (written by a client before the server owned it): records are
        // validated by every client one by one, so the board is given the current schema.
        room.logger.error('stored schema unreadable: writing the current one', { err })
        await room.transact((doc) => writeSchema(doc, schema))
        return
      }
      switch (read.kind) {
        case 'newer':
          room.logger.warn('board written by a newer tldraw: left as is, this server’s clients will ask to reload', { reason: read.reason })
          return
        case 'failed':
          room.logger.error('migrating the board failed: left as is', { reason: read.reason })
          return
        case 'ok': {
          const migrated = read.migrated
          await room.transact((doc) => (migrated ? writeMigration(doc, schema, migrated) : writeSchema(doc, schema)))
          room.logger.info('board migrated to the current schema', { records: migrated?.put.length ?? 0, removed: migrated?.removed.length ?? 0 })
        }
      }
    },
  }
}
