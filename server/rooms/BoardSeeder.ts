import fs from 'node:fs/promises'
import path from 'node:path'
import type { Board } from '../../shared/lab'
import type { Lang } from '../../shared/lang'
import { seedFileName } from '../../shared/boardSeedFiles'
import { isTemplateId } from '../../shared/templates/catalogue'

/** Builds the first state of new boards, so clients never race to create it. */
export interface BoardSeeder {
  isTemplateId(id: string): boolean
  /** The update a new board starts with: schema, document, page and its template's shapes. */
  initialUpdate(board: Board, lang: Lang): Promise<Uint8Array>
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
  return {
    isTemplateId,
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
