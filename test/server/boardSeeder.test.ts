import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { getMetaMap, getRecordsMap } from '../../shared/boardDoc'
import { buildBoardSeed } from '../../shared/boardSeed'
import { allSeeds, seedFileName } from '../../shared/boardSeedFiles'
import type { Board } from '../../shared/lab'
import { createBoardSeeder } from '../../server/rooms/BoardSeeder'

const board = (template: string | null): Board => ({
  id: 'board-0001',
  labId: 'lab-00001',
  title: 'T',
  phase: 'emergence',
  template,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  archived: false,
  deletedAt: null,
})

function content(update: Uint8Array) {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return { records: getRecordsMap(doc).toJSON(), meta: getMetaMap(doc).toJSON() }
}

describe('board seeds', () => {
  it('covers a blank board and every template in both languages', () => {
    const seeds = allSeeds()
    expect(seeds).toHaveLength(40)
    expect(new Set(seeds.map((s) => seedFileName(s.template, s.lang))).size).toBe(40)
  })

  it('reads prebuilt seeds from the seeds directory when they exist', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-seeds-'))
    // A prebuilt seed that differs from what would be built (a blank board in place of the iceberg):
    // if the seeder returns it, it read the file.
    const prebuilt = buildBoardSeed(null, 'fr')
    fs.writeFileSync(path.join(dir, seedFileName('iceberg', 'fr')), prebuilt)
    const seeder = createBoardSeeder({ seedsDir: dir })
    expect(await seeder.initialUpdate(board('iceberg'), 'fr')).toEqual(prebuilt)
  })

  it('builds a missing seed on first use, once, with the same content as a prebuilt one', async () => {
    const seeder = createBoardSeeder({ seedsDir: path.join(os.tmpdir(), 'no-such-fabrique-seeds') })
    const first = await seeder.initialUpdate(board('theorie-changement'), 'en')
    expect(await seeder.initialUpdate(board('theorie-changement'), 'en')).toBe(first)
    expect(content(first)).toEqual(content(buildBoardSeed('theorie-changement', 'en')))
    expect(JSON.stringify(content(first).records)).toContain('Theory of change')
  })
})
