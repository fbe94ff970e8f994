import fs from 'node:fs/promises'
import path from 'node:path'
import type { SerializedSchema } from '@tldraw/store'
import type { Board } from '../../shared/lab'
import type { Lang } from '../../shared/lang'
import { SCHEMA_FILE, seedFileName } from '../../shared/boardSeedFiles'
import { isTemplateId } from '../../shared/templates/catalogue'

/** Builds the first state of new boards, so clients never race to create it. */
export interface BoardSeeder {
  isTemplateId(id: string): boolean
  /** The update a new board starts with: schema, document, page and its template's shapes. */
  initialUpdate(board: Board, lang: Lang): Promise<Uint8Array>
  /** The tldraw schema of this build (what seeds and migrated boards are written with). */
  currentSchema(): Promise<SerializedSchema>
}

/**
 * Seeds come prebuilt from `seedsDir` (`npm run build` writes them next to the bundled
 * server), so the server never loads tldraw's schema code — about 25 MiB of memory. Without
 * them (tests, `npm run dev`) a seed is built on first use; either way each is kept once.
 */
export function createBoardSeeder({ seedsDir }: { seedsDir: string | null }): BoardSeeder {
  const cache = new Map<string, Promise<Uint8Array>>()
  const load = async (template: string | null, lang: Lang): Promise<Uint8Array> => {
    if (seedsDir) {
      try {
        return new Uint8Array(await fs.readFile(path.join(seedsDir, seedFileName(template, lang))))
      } catch {
        // Not prebuilt: build it below.
      }
    }
    // Loaded only here: tldraw's schema stays out of memory when seeds are prebuilt.
    const { buildBoardSeed } = await import('../../shared/boardSeed')
    return buildBoardSeed(template, lang)
  }
  let schema: Promise<SerializedSchema> | null = null
  const loadSchema = async (): Promise<SerializedSchema> => {
    if (seedsDir) {
      try {
        return JSON.parse(await fs.readFile(path.join(seedsDir, SCHEMA_FILE), 'utf8')) as SerializedSchema
      } catch {
        // Not prebuilt: computed below.
      }
    }
    const { createBoardSchema } = await import('../../shared/tldrawDoc')
    return createBoardSchema().serialize()
  }
  return {
    isTemplateId,
    currentSchema() {
      schema ??= loadSchema()
      return schema
    },
    initialUpdate(board, lang) {
      const key = `${board.template ?? ''}|${lang}`
      let seed = cache.get(key)
      if (!seed) {
        seed = load(board.template, lang)
        cache.set(key, seed)
        seed.catch(() => cache.delete(key))
      }
      return seed
    },
  }
}
