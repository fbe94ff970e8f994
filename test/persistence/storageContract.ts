import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Board, Lab } from '../../shared/lab'
import type { BinEntry, LabTokenHashes, Storage, StoredAsset, StoredCheckpoint, StoredIdentity } from '../../server/persistence/Storage'

let counter = 0
/** A fresh id that passes `isId`, unique within the test run. */
export function testId(prefix = 'id'): string {
  return `${prefix}${String(++counter).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`
}

export function makeLab(overrides: Partial<Lab> = {}): Lab {
  return {
    id: testId('lab'),
    title: 'Laboratoire du quartier',
    theme: 'Isolement des aînés',
    territory: 'Roubaix',
    startDate: '2026-03-01',
    phase: 'detection',
    members: [{ name: 'Mairie', family: 'public' }],
    activities: { detecter: 'in-progress' },
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  }
}

export function makeHashes(seed: string): LabTokenHashes {
  const hex = (c: string) => c.repeat(64)
  return { facilitator: hex('a') + seed, participant: hex('b') + seed, viewer: hex('c') + seed }
}

export function makeBoard(labId: string, overrides: Partial<Board> = {}): Board {
  return {
    id: testId('board'),
    labId,
    title: 'Atelier',
    phase: 'detection',
    template: null,
    createdAt: '2026-01-02T10:00:00.000Z',
    updatedAt: '2026-01-02T10:00:00.000Z',
    archived: false,
    deletedAt: null,
    ...overrides,
  }
}

/** A doc that records every update it emits, so tests can store real Yjs updates. */
export function recordingDoc(): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  return { doc, updates }
}

/** Replays stored updates into a new doc. */
export function replay(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}

/**
 * The behaviour every {@link Storage} backend must share. `makeStorage` is called before each
 * test; the storage is closed after it.
 */
export function describeStorageContract(name: string, makeStorage: () => Storage | Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage

    beforeEach(async () => {
      storage = await makeStorage()
    })
    afterEach(async () => {
      await storage.close()
    })

    async function createLab(overrides: Partial<Lab> = {}): Promise<Lab> {
      const lab = makeLab(overrides)
      await storage.createLab(lab, makeHashes(lab.id))
      return lab
    }

    describe('labs', () => {
      it('creates a lab and reads it back, with its token hashes', async () => {
        const lab = await createLab()
        expect(await storage.getLab(lab.id)).toEqual(lab)
        expect(await storage.getLabTokenHashes(lab.id)).toEqual(makeHashes(lab.id))
      })

      it('keeps a lab with empty fields and no start date as is', async () => {
        const lab = await createLab({ theme: '', territory: '', startDate: null, members: [], activities: {} })
        expect(await storage.getLab(lab.id)).toEqual(lab)
      })

      it('refuses a second lab with the same id and keeps the first', async () => {
        const lab = await createLab()
        await expect(storage.createLab({ ...lab, title: 'Imposteur' }, makeHashes('x'))).rejects.toThrow()
        expect((await storage.getLab(lab.id))?.title).toBe(lab.title)
        expect(await storage.getLabTokenHashes(lab.id)).toEqual(makeHashes(lab.id))
      })

      it('answers null for unknown labs', async () => {
        expect(await storage.getLab('nosuchlab0000')).toBeNull()
        expect(await storage.getLabTokenHashes('nosuchlab0000')).toBeNull()
        expect(await storage.updateLab('nosuchlab0000', { title: 'x' }, '2026-02-01T00:00:00.000Z')).toBeNull()
        expect(await storage.getLab('nosuchlab0000')).toBeNull()
      })

      it('returns copies: changing what it returned does not change what is stored', async () => {
        const lab = await createLab()
        const read = (await storage.getLab(lab.id))!
        read.title = 'changed'
        read.members.push({ name: 'Intrus', family: 'ess' })
        read.activities.detecter = 'done'
        expect(await storage.getLab(lab.id)).toEqual(lab)
      })
    })

    describe('invitations and token rotation', () => {
      it('keeps the invitations a lab was created with; without them they are null', async () => {
        const lab = makeLab()
        await storage.createLab(lab, makeHashes(lab.id), { participant: 'participant-secret', viewer: 'viewer-secret' })
        expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: 'participant-secret', viewer: 'viewer-secret' })
        const old = await createLab()
        expect(await storage.getLabInvitations(old.id)).toEqual({ participant: null, viewer: null })
        expect(await storage.getLabInvitations('nosuchlab0000')).toBeNull()
      })

      it('replaces a participant or viewer secret: its hash and its invitation, nothing else', async () => {
        const lab = makeLab()
        const other = await createLab()
        await storage.createLab(lab, makeHashes(lab.id), { participant: 'p1', viewer: 'v1' })
        expect(await storage.replaceLabToken(lab.id, 'participant', 'd'.repeat(64), 'p2')).toBe(true)
        expect(await storage.getLabTokenHashes(lab.id)).toEqual({ ...makeHashes(lab.id), participant: 'd'.repeat(64) })
        expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: 'p2', viewer: 'v1' })
        expect(await storage.replaceLabToken(lab.id, 'viewer', 'e'.repeat(64), 'v2')).toBe(true)
        expect(await storage.getLabTokenHashes(lab.id)).toEqual({ ...makeHashes(lab.id), participant: 'd'.repeat(64), viewer: 'e'.repeat(64) })
        expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: 'p2', viewer: 'v2' })
        expect(await storage.getLab(lab.id)).toEqual(lab)
        expect(await storage.getLabTokenHashes(other.id)).toEqual(makeHashes(other.id))
        expect(await storage.getLabInvitations(other.id)).toEqual({ participant: null, viewer: null })
      })

      it('gives a lab made without invitations its first one when that role is rotated', async () => {
        const lab = await createLab()
        await storage.replaceLabToken(lab.id, 'viewer', 'e'.repeat(64), 'v-new')
        expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: null, viewer: 'v-new' })
      })

      it('replaces the facilitator secret as a hash only, and refuses to store the token itself', async () => {
        const lab = makeLab()
        await storage.createLab(lab, makeHashes(lab.id), { participant: 'p1', viewer: 'v1' })
        expect(await storage.replaceLabToken(lab.id, 'facilitator', 'f'.repeat(64), null)).toBe(true)
        expect(await storage.getLabTokenHashes(lab.id)).toEqual({ ...makeHashes(lab.id), facilitator: 'f'.repeat(64) })
        expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: 'p1', viewer: 'v1' })
        await expect(storage.replaceLabToken(lab.id, 'facilitator', '0'.repeat(64), 'the-token')).rejects.toThrow()
        expect((await storage.getLabTokenHashes(lab.id))!.facilitator).toBe('f'.repeat(64))
      })

      it('answers false for an unknown lab, creating nothing', async () => {
        expect(await storage.replaceLabToken('nosuchlab0000', 'participant', 'd'.repeat(64), 'p')).toBe(false)
        expect(await storage.getLabTokenHashes('nosuchlab0000')).toBeNull()
        expect(await storage.getLabInvitations('nosuchlab0000')).toBeNull()
      })

      it('returns copies of the invitations', async () => {
        const lab = makeLab()
        await storage.createLab(lab, makeHashes(lab.id), { participant: 'p1', viewer: 'v1' })
        const read = (await storage.getLabInvitations(lab.id))!
        read.participant = 'changed'
        expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: 'p1', viewer: 'v1' })
      })
    })

    describe('server secret', () => {
      it('is at least 32 bytes, made once: every call answers the same bytes (copies)', async () => {
        const first = await storage.getServerSecret()
        expect(first.byteLength).toBeGreaterThanOrEqual(32)
        expect(new Set(first).size).toBeGreaterThan(8)
        const second = await storage.getServerSecret()
        expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true)
        first.fill(0)
        expect(Buffer.from(await storage.getServerSecret()).equals(Buffer.from(second))).toBe(true)
      })
    })

    describe('updateLab (applyLabPatch merge rules)', () => {
      it('changes only the fields in the patch, and sets updatedAt', async () => {
        const lab = await createLab()
        const updated = await storage.updateLab(lab.id, { title: 'Nouveau titre' }, '2026-02-01T00:00:00.000Z')
        const expected: Lab = { ...lab, title: 'Nouveau titre', updatedAt: '2026-02-01T00:00:00.000Z' }
        expect(updated).toEqual(expected)
        expect(await storage.getLab(lab.id)).toEqual(expected)
        expect((await storage.getLab(lab.id))!.createdAt).toBe(lab.createdAt)
      })

      it('sets every field it is given, including empty text and a null start date', async () => {
        const lab = await createLab()
        const updated = await storage.updateLab(
          lab.id,
          { title: 'T', theme: '', territory: 'Lille', startDate: null, phase: 'emergence', members: [] },
          '2026-02-01T00:00:00.000Z',
        )
        expect(updated).toEqual({
          ...lab,
          title: 'T',
          theme: '',
          territory: 'Lille',
          startDate: null,
          phase: 'emergence',
          members: [],
          updatedAt: '2026-02-01T00:00:00.000Z',
        })
        expect(await storage.getLab(lab.id)).toEqual(updated)
      })

      it('replaces the member list as a whole', async () => {
        const lab = await createLab({ members: [{ name: 'A', family: 'public' }, { name: 'B', family: 'ess' }] })
        const members = [{ name: 'C', family: 'recherche' as const }]
        await storage.updateLab(lab.id, { members }, '2026-02-01T00:00:00.000Z')
        expect((await storage.getLab(lab.id))!.members).toEqual(members)
      })

      it('merges activity states: a patch names only the activities it changes', async () => {
        const lab = await createLab({ activities: { detecter: 'in-progress' } })
        await storage.updateLab(lab.id, { activities: { mobiliser: 'todo' } }, '2026-02-01T00:00:00.000Z')
        expect((await storage.getLab(lab.id))!.activities).toEqual({ detecter: 'in-progress', mobiliser: 'todo' })
        await storage.updateLab(lab.id, { activities: { detecter: 'done' } }, '2026-02-02T00:00:00.000Z')
        expect((await storage.getLab(lab.id))!.activities).toEqual({ detecter: 'done', mobiliser: 'todo' })
        // A patch without activities leaves them alone.
        await storage.updateLab(lab.id, { theme: 'autre' }, '2026-02-03T00:00:00.000Z')
        expect((await storage.getLab(lab.id))!.activities).toEqual({ detecter: 'done', mobiliser: 'todo' })
      })

      it('does not keep a reference to the patch', async () => {
        const lab = await createLab()
        const patch = { members: [{ name: 'A', family: 'public' as const }], activities: { evaluer: 'done' as const } }
        await storage.updateLab(lab.id, patch, '2026-02-01T00:00:00.000Z')
        patch.members.push({ name: 'B', family: 'public' })
        ;(patch.activities as Record<string, string>).evaluer = 'todo'
        const stored = (await storage.getLab(lab.id))!
        expect(stored.members).toEqual([{ name: 'A', family: 'public' }])
        expect(stored.activities.evaluer).toBe('done')
      })

      it('does not touch the token hashes nor other labs', async () => {
        const lab = await createLab()
        const other = await createLab()
        await storage.updateLab(lab.id, { title: 'X', phase: 'deploiement' }, '2026-02-01T00:00:00.000Z')
        expect(await storage.getLabTokenHashes(lab.id)).toEqual(makeHashes(lab.id))
        expect(await storage.getLab(other.id)).toEqual(other)
      })
    })

    describe('boards', () => {
      it('creates a board with its first update, and reads both back', async () => {
        const lab = await createLab()
        const board = makeBoard(lab.id, { template: 'empathy-map', phase: 'emergence' })
        const initial = new Uint8Array([1, 2, 3, 4])
        await storage.createBoard(board, initial)
        expect(await storage.getBoard(board.id)).toEqual(board)
        const stored = await storage.loadUpdates(board.id)
        expect(stored.updates).toEqual([initial])
        expect(stored.lastSeq).toBeGreaterThan(0)
        expect(await storage.countUpdates(board.id)).toBe(1)
      })

      it('creates a board without a first update', async () => {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, null)
        expect(await storage.getBoard(board.id)).toEqual(board)
        expect(await storage.loadUpdates(board.id)).toEqual({ updates: [], lastSeq: 0 })
      })

      it('creates the board and its first update atomically: a refused board leaves no update behind', async () => {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, new Uint8Array([1]))
        await expect(storage.createBoard({ ...board, title: 'Doublon' }, new Uint8Array([9, 9]))).rejects.toThrow()
        expect((await storage.getBoard(board.id))!.title).toBe('Atelier')
        expect((await storage.loadUpdates(board.id)).updates).toEqual([new Uint8Array([1])])
      })

      it('refuses a board of an unknown lab and stores nothing', async () => {
        const board = makeBoard('nosuchlab0000')
        await expect(storage.createBoard(board, new Uint8Array([1]))).rejects.toThrow()
        expect(await storage.getBoard(board.id)).toBeNull()
        expect(await storage.loadUpdates(board.id)).toEqual({ updates: [], lastSeq: 0 })
      })

      it('lists a lab’s boards by creation time, then id, and only that lab’s', async () => {
        const lab = await createLab()
        const other = await createLab()
        const late = makeBoard(lab.id, { id: 'aaaaaaaa-late', createdAt: '2026-01-03T00:00:00.000Z' })
        const earlyB = makeBoard(lab.id, { id: 'bbbbbbbb-early', createdAt: '2026-01-01T00:00:00.000Z' })
        const earlyA = makeBoard(lab.id, { id: 'aaaaaaaa-early', createdAt: '2026-01-01T00:00:00.000Z' })
        const foreign = makeBoard(other.id, { createdAt: '2026-01-02T00:00:00.000Z' })
        for (const b of [late, earlyB, foreign, earlyA]) await storage.createBoard(b, null)
        expect(await storage.listBoards(lab.id)).toEqual([earlyA, earlyB, late])
        expect(await storage.listBoards(other.id)).toEqual([foreign])
        expect(await storage.listBoards('nosuchlab0000')).toEqual([])
      })

      it('breaks creation-time ties by id compared code unit by code unit (as SQLite does), whatever the locale', async () => {
        const lab = await createLab()
        const createdAt = '2026-01-01T00:00:00.000Z'
        // Ids are base64url: upper case sorts before lower case, '-' before digits, '_' after 'Z'.
        const ids = ['b_tie0001', 'B-tie0001', 'a0tie0001', 'A_tie0001', 'a-tie0001', 'Z9tie0001']
        for (const id of ids) await storage.createBoard(makeBoard(lab.id, { id, createdAt }), null)
        expect((await storage.listBoards(lab.id)).map((b) => b.id)).toEqual(['A_tie0001', 'B-tie0001', 'Z9tie0001', 'a-tie0001', 'a0tie0001', 'b_tie0001'])
      })

      it('answers null for an unknown board', async () => {
        expect(await storage.getBoard('nosuchboard00')).toBeNull()
      })
    })

    describe('board management: archive, bin, copies', () => {
      const png = (n: number) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, n])
      const assetOf = (boardId: string, size = 5): StoredAsset => ({ id: testId('asset'), boardId, contentType: 'image/png', size, createdAt: '2026-01-05T00:00:00.000Z' })

      it('starts a board neither archived nor deleted, and keeps the fields it is given', async () => {
        const lab = await createLab()
        const board = makeBoard(lab.id, { archived: true, updatedAt: '2026-01-03T00:00:00.000Z' })
        await storage.createBoard(board, null)
        expect(await storage.getBoard(board.id)).toEqual(board)
        const plain = makeBoard(lab.id)
        await storage.createBoard(plain, null)
        expect(await storage.getBoard(plain.id)).toMatchObject({ archived: false, deletedAt: null, updatedAt: plain.createdAt })
      })

      it('changes the fields a patch names, sets updatedAt, and nothing else', async () => {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        const other = makeBoard(lab.id)
        await storage.createBoard(board, new Uint8Array([1]))
        await storage.createBoard(other, null)
        const renamed = await storage.updateBoard(board.id, { title: 'Carte des acteurs' }, '2026-02-01T00:00:00.000Z')
        expect(renamed).toEqual({ ...board, title: 'Carte des acteurs', updatedAt: '2026-02-01T00:00:00.000Z' })
        const moved = await storage.updateBoard(board.id, { phase: 'deploiement', archived: true }, '2026-02-02T00:00:00.000Z')
        expect(moved).toEqual({ ...board, title: 'Carte des acteurs', phase: 'deploiement', archived: true, updatedAt: '2026-02-02T00:00:00.000Z' })
        expect(await storage.getBoard(board.id)).toEqual(moved)
        expect(await storage.getBoard(other.id)).toEqual(other)
        expect((await storage.loadUpdates(board.id)).updates).toEqual([new Uint8Array([1])])
        expect(await storage.updateBoard('nosuchboard00', { title: 'x' }, '2026-02-02T00:00:00.000Z')).toBeNull()
      })

      it('hides a board in the bin from getBoard and listBoards, lists it in the bin (last deleted first), and restores it', async () => {
        const lab = await createLab()
        const [kept, first, second] = [makeBoard(lab.id), makeBoard(lab.id), makeBoard(lab.id)]
        for (const b of [kept, first, second]) await storage.createBoard(b, null)
        await storage.updateBoard(first.id, { deletedAt: '2026-03-01T00:00:00.000Z' }, '2026-03-01T00:00:00.000Z')
        await storage.updateBoard(second.id, { deletedAt: '2026-03-02T00:00:00.000Z' }, '2026-03-02T00:00:00.000Z')
        expect(await storage.getBoard(first.id)).toBeNull()
        expect(await storage.getBoard(first.id, { includeDeleted: true })).toMatchObject({ id: first.id, deletedAt: '2026-03-01T00:00:00.000Z' })
        expect(await storage.listBoards(lab.id)).toEqual([kept])
        expect((await storage.listDeletedBoards(lab.id)).map((b) => b.id)).toEqual([second.id, first.id])
        const restored = await storage.updateBoard(first.id, { deletedAt: null }, '2026-03-03T00:00:00.000Z')
        expect(restored).toEqual({ ...first, updatedAt: '2026-03-03T00:00:00.000Z' })
        expect(await storage.getBoard(first.id)).toEqual(restored)
        expect((await storage.listDeletedBoards(lab.id)).map((b) => b.id)).toEqual([second.id])
      })

      it('creates a board with images given and images copied from another board, in one go', async () => {
        const lab = await createLab()
        const source = makeBoard(lab.id)
        await storage.createBoard(source, null)
        const kept = assetOf(source.id)
        await storage.putAsset(kept, png(1))
        const copy = makeBoard(lab.id)
        const added = assetOf(copy.id, 5)
        await storage.createBoard(copy, new Uint8Array([7]), { add: [{ asset: added, data: png(2) }], copy: { fromBoardId: source.id, assetIds: [kept.id, 'nosuchasset00'], createdAt: '2026-04-01T00:00:00.000Z' } })
        expect(await storage.getAsset(copy.id, added.id)).toEqual({ asset: added, data: png(2) })
        expect(await storage.getAsset(copy.id, kept.id)).toEqual({ asset: { ...kept, boardId: copy.id, createdAt: '2026-04-01T00:00:00.000Z' }, data: png(1) })
        expect((await storage.listAssets(copy.id)).map((a) => a.id).sort()).toEqual([added.id, kept.id].sort())
        // The original keeps its own.
        expect(await storage.getAsset(source.id, kept.id)).toEqual({ asset: kept, data: png(1) })
        expect(await storage.labAssetBytes(lab.id)).toBe(15)
      })

      it('creates nothing when one of the images given is not the new board’s', async () => {
        const lab = await createLab()
        const other = makeBoard(lab.id)
        await storage.createBoard(other, null)
        const board = makeBoard(lab.id)
        await expect(storage.createBoard(board, new Uint8Array([1]), { add: [{ asset: assetOf(board.id), data: png(1) }, { asset: assetOf(other.id), data: png(2) }] })).rejects.toThrow()
        expect(await storage.getBoard(board.id, { includeDeleted: true })).toBeNull()
        expect(await storage.loadUpdates(board.id)).toEqual({ updates: [], lastSeq: 0 })
        expect(await storage.listAssets(board.id)).toEqual([])
        expect(await storage.listAssets(other.id)).toEqual([])
      })

      it('empties the bin for good: the binned boards with their updates, images, kept secrets, checkpoints and bin entries; others untouched', async () => {
        const lab = await createLab()
        const otherLab = await createLab()
        const [binned, kept, elsewhere] = [makeBoard(lab.id), makeBoard(lab.id), makeBoard(otherLab.id)]
        for (const b of [binned, kept, elsewhere]) {
          await storage.createBoard(b, new Uint8Array([1]))
          await storage.appendUpdate(b.id, new Uint8Array([2]))
          await storage.putAsset(assetOf(b.id), png(3))
          await storage.putBoardSecrets(b.id, [{ key: 'ballot/v1/someone', value: { dots: 1 } }])
          await storage.putCheckpoint({ id: testId('cp'), boardId: b.id, kind: 'named', name: 'Fin de l’atelier', createdAt: '2026-03-01T00:00:00.000Z', createdBy: null, contributors: [], bytes: 1, assetIds: [] }, new Uint8Array([1]))
          await storage.putInBin(b.id, [{ recordId: 'shape:gone', batch: 'b1', record: { id: 'shape:gone', typeName: 'shape' }, deletedAt: '2026-03-01T00:00:00.000Z', deletedBy: null }])
        }
        await storage.updateBoard(elsewhere.id, { deletedAt: '2026-03-01T00:00:00.000Z' }, '2026-03-01T00:00:00.000Z')
        expect(await storage.emptyBin(lab.id)).toEqual([])
        await storage.updateBoard(binned.id, { deletedAt: '2026-03-01T00:00:00.000Z' }, '2026-03-01T00:00:00.000Z')
        expect(await storage.emptyBin(lab.id)).toEqual([binned.id])
        expect(await storage.getBoard(binned.id, { includeDeleted: true })).toBeNull()
        expect(await storage.loadUpdates(binned.id)).toEqual({ updates: [], lastSeq: 0 })
        expect(await storage.listAssets(binned.id)).toEqual([])
        expect(await storage.listBoardSecrets(binned.id, '')).toEqual([])
        expect(await storage.listCheckpoints(binned.id)).toEqual([])
        expect(await storage.listBin(binned.id)).toEqual([])
        expect(await storage.listDeletedBoards(lab.id)).toEqual([])
        expect(await storage.labAssetBytes(lab.id)).toBe(5)
        for (const b of [kept, elsewhere]) {
          expect(await storage.getBoard(b.id, { includeDeleted: true })).not.toBeNull()
          expect((await storage.loadUpdates(b.id)).updates).toHaveLength(2)
          expect(await storage.listAssets(b.id)).toHaveLength(1)
          expect(await storage.listBoardSecrets(b.id, '')).toHaveLength(1)
          expect(await storage.listCheckpoints(b.id)).toHaveLength(1)
          expect(await storage.listBin(b.id)).toHaveLength(1)
        }
        // Its id is free again (nothing of it is left).
        await storage.createBoard(binned, null)
        expect(await storage.getBoard(binned.id)).toEqual(binned)
      })
    })

    describe('update log', () => {
      async function newBoard(): Promise<Board> {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, null)
        return board
      }

      it('appends updates and loads them back in order, with the last sequence number', async () => {
        const board = await newBoard()
        const seqs: number[] = []
        const updates = [new Uint8Array([1]), new Uint8Array([2, 2]), new Uint8Array([3, 3, 3])]
        for (const u of updates) seqs.push(await storage.appendUpdate(board.id, u))
        expect(seqs[1]!).toBeGreaterThan(seqs[0]!)
        expect(seqs[2]!).toBeGreaterThan(seqs[1]!)
        expect(await storage.loadUpdates(board.id)).toEqual({ updates, lastSeq: seqs[2] })
        expect(await storage.countUpdates(board.id)).toBe(3)
      })

      it('keeps the order of appends made in the same turn', async () => {
        const board = await newBoard()
        const updates = Array.from({ length: 20 }, (_, i) => new Uint8Array([i]))
        const seqs = await Promise.all(updates.map((u) => storage.appendUpdate(board.id, u)))
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)
        expect(new Set(seqs).size).toBe(20)
        expect((await storage.loadUpdates(board.id)).updates).toEqual(updates)
      })

      it('keeps boards’ logs apart', async () => {
        const a = await newBoard()
        const b = await newBoard()
        await storage.appendUpdate(a.id, new Uint8Array([1]))
        const lastB = await storage.appendUpdate(b.id, new Uint8Array([2]))
        const lastA = await storage.appendUpdate(a.id, new Uint8Array([3]))
        expect(await storage.loadUpdates(a.id)).toEqual({ updates: [new Uint8Array([1]), new Uint8Array([3])], lastSeq: lastA })
        expect(await storage.loadUpdates(b.id)).toEqual({ updates: [new Uint8Array([2])], lastSeq: lastB })
        expect(await storage.countUpdates(a.id)).toBe(2)
        expect(await storage.countUpdates(b.id)).toBe(1)
      })

      it('answers an empty log for an unknown board', async () => {
        expect(await storage.loadUpdates('nosuchboard00')).toEqual({ updates: [], lastSeq: 0 })
        expect(await storage.countUpdates('nosuchboard00')).toBe(0)
      })

      it('compaction replaces the rows through a sequence number by a snapshot, keeps later rows, and keeps the content', async () => {
        const board = await newBoard()
        const other = await newBoard()
        const otherSeq = await storage.appendUpdate(other.id, new Uint8Array([7, 7]))
        const { doc, updates } = recordingDoc()
        const records = doc.getMap<unknown>('records')
        const seqs: number[] = []
        // Five real updates: sets, an overwrite, a nested map, a delete.
        records.set('shape:a', { id: 'shape:a', x: 1 })
        records.set('shape:b', { id: 'shape:b', text: 'bonjour' })
        records.set('shape:a', { id: 'shape:a', x: 2 })
        const nested = new Y.Map<number>()
        records.set('nested', nested)
        nested.set('n', 1)
        records.delete('shape:b')
        expect(updates.length).toBeGreaterThanOrEqual(5)
        for (const u of updates) seqs.push(await storage.appendUpdate(board.id, u))

        // Snapshot of the state after the first three updates, replacing them.
        const through = 3
        const snapshot = Y.encodeStateAsUpdate(replay(updates.slice(0, through)))
        await storage.compactUpdates(board.id, snapshot, seqs[through - 1]!)

        const stored = await storage.loadUpdates(board.id)
        expect(stored.updates).toHaveLength(updates.length - through + 1)
        expect(await storage.countUpdates(board.id)).toBe(updates.length - through + 1)
        // Rows after `through` are kept byte for byte; the snapshot is there once.
        for (const u of updates.slice(through)) expect(stored.updates).toContainEqual(u)
        expect(stored.updates.filter((u) => Buffer.from(u).equals(Buffer.from(snapshot)))).toHaveLength(1)
        expect(stored.lastSeq).toBeGreaterThanOrEqual(seqs.at(-1)!)
        // Replayed, the log gives exactly the document.
        const reloaded = replay(stored.updates)
        expect(reloaded.getMap('records').toJSON()).toEqual(records.toJSON())
        expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(doc))
        // Other boards are not touched.
        expect(await storage.loadUpdates(other.id)).toEqual({ updates: [new Uint8Array([7, 7])], lastSeq: otherSeq })

        // Appending and compacting again, through the newest row, leaves a single snapshot.
        records.set('shape:c', { id: 'shape:c' })
        const last = await storage.appendUpdate(board.id, updates.at(-1)!)
        await storage.compactUpdates(board.id, Y.encodeStateAsUpdate(doc), last)
        const again = await storage.loadUpdates(board.id)
        expect(again.updates).toHaveLength(1)
        // The snapshot takes the place of the newest row it replaced.
        expect(again.lastSeq).toBe(last)
        expect(replay(again.updates).getMap('records').toJSON()).toEqual(records.toJSON())
        // New appends come after the snapshot.
        const next = await storage.appendUpdate(board.id, new Uint8Array([0, 0]))
        expect(next).toBeGreaterThan(again.lastSeq)
      })
    })

    describe('update log: reading from a sequence number (catching up)', () => {
      async function newBoard(): Promise<Board> {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, null)
        return board
      }

      it('answers the rows after a sequence number in order; from 0 the whole log; past the end none, lastSeq staying put', async () => {
        const board = await newBoard()
        const other = await newBoard()
        const updates = [new Uint8Array([1]), new Uint8Array([2, 2]), new Uint8Array([3, 3, 3])]
        const seqs: number[] = []
        for (const u of updates) {
          seqs.push(await storage.appendUpdate(board.id, u))
          await storage.appendUpdate(other.id, new Uint8Array([9]))
        }
        expect(await storage.loadUpdatesSince(board.id, 0)).toEqual(await storage.loadUpdates(board.id))
        expect(await storage.loadUpdatesSince(board.id, seqs[0]!)).toEqual({ updates: updates.slice(1), lastSeq: seqs[2] })
        expect(await storage.loadUpdatesSince(board.id, seqs[1]!)).toEqual({ updates: updates.slice(2), lastSeq: seqs[2] })
        expect(await storage.loadUpdatesSince(board.id, seqs[2]!)).toEqual({ updates: [], lastSeq: seqs[2] })
        expect(await storage.loadUpdatesSince('nosuchboard00', 0)).toEqual({ updates: [], lastSeq: 0 })
        expect(await storage.loadUpdatesSince('nosuchboard00', 42)).toEqual({ updates: [], lastSeq: 42 })
      })

      it('compaction leaves rows appended after throughSeq, and lastSeq/loadUpdatesSince stay consistent', async () => {
        const board = await newBoard()
        const { doc, updates } = recordingDoc()
        const records = doc.getMap<unknown>('records')
        records.set('shape:a', { id: 'shape:a' })
        records.set('shape:b', { id: 'shape:b' })
        records.set('shape:c', { id: 'shape:c' })
        const [s1, s2, s3] = [await storage.appendUpdate(board.id, updates[0]!), await storage.appendUpdate(board.id, updates[1]!), await storage.appendUpdate(board.id, updates[2]!)]
        // A snapshot made from the first two rows (the third was appended meanwhile, elsewhere).
        const snapshot = Y.encodeStateAsUpdate(replay(updates.slice(0, 2)))
        await storage.compactUpdates(board.id, snapshot, s2!)

        expect(await storage.loadUpdates(board.id)).toEqual({ updates: [snapshot, updates[2]], lastSeq: s3 })
        // A reader through s2 had every row the snapshot replaced: it lacks only the third.
        expect(await storage.loadUpdatesSince(board.id, s2!)).toEqual({ updates: [updates[2]], lastSeq: s3 })
        // A reader through s1 lacks the second row: it is in the snapshot, which it gets.
        expect(await storage.loadUpdatesSince(board.id, s1!)).toEqual({ updates: [snapshot, updates[2]], lastSeq: s3 })
        expect(await storage.loadUpdatesSince(board.id, s3!)).toEqual({ updates: [], lastSeq: s3 })
        expect(replay((await storage.loadUpdates(board.id)).updates).getMap('records').toJSON()).toEqual(records.toJSON())

        // The log goes on after the row that survived, and the next compaction replaces both.
        records.set('shape:d', { id: 'shape:d' })
        const s4 = await storage.appendUpdate(board.id, updates[3]!)
        expect(s4).toBeGreaterThan(s3!)
        expect(await storage.loadUpdatesSince(board.id, s3!)).toEqual({ updates: [updates[3]], lastSeq: s4 })
        await storage.compactUpdates(board.id, Y.encodeStateAsUpdate(doc), s4)
        expect(await storage.loadUpdates(board.id)).toEqual({ updates: [Y.encodeStateAsUpdate(doc)], lastSeq: s4 })
        expect(await storage.loadUpdatesSince(board.id, s4)).toEqual({ updates: [], lastSeq: s4 })
        expect(await storage.appendUpdate(board.id, new Uint8Array([0, 0]))).toBeGreaterThan(s4)
      })

      it('compaction through a number below every row replaces nothing and writes nothing (no row numbered nobody was told of)', async () => {
        const board = await newBoard()
        const before = await storage.loadUpdates(board.id)
        await storage.compactUpdates(board.id, new Uint8Array([5]), 0)
        expect(await storage.loadUpdates(board.id)).toEqual(before)
        const s1 = await storage.appendUpdate(board.id, new Uint8Array([6]))
        const s2 = await storage.appendUpdate(board.id, new Uint8Array([7]))
        // Another process compacts through s2; this one, behind, through s1: already replaced.
        await storage.compactUpdates(board.id, new Uint8Array([6, 7]), s2)
        await storage.compactUpdates(board.id, new Uint8Array([6]), s1)
        const stored = await storage.loadUpdates(board.id)
        expect(stored.updates.at(-1)).toEqual(new Uint8Array([6, 7]))
        expect(stored.updates.some((u) => u.length === 1 && u[0] === 6)).toBe(false)
        expect(stored.lastSeq).toBe(s2)
        // The next append follows s2 as if nothing had happened.
        expect(await storage.appendUpdate(board.id, new Uint8Array([8]))).toBeGreaterThan(s2)
      })
    })

    describe('assets', () => {
      it('stores an asset and reads it back, bytes and metadata', async () => {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, null)
        const asset: StoredAsset = { id: testId('asset'), boardId: board.id, contentType: 'image/png', size: 5, createdAt: '2026-01-05T00:00:00.000Z' }
        const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0])
        await storage.putAsset(asset, data)
        expect(await storage.getAsset(board.id, asset.id)).toEqual({ asset, data })
      })

      it('lists a board’s assets oldest first, deletes some, and sums a lab’s image bytes', async () => {
        const lab = await createLab()
        const other = await createLab()
        const board = makeBoard(lab.id)
        const second = makeBoard(lab.id)
        const elsewhere = makeBoard(other.id)
        for (const b of [board, second, elsewhere]) await storage.createBoard(b, null)
        const asset = (boardId: string, size: number, createdAt: string): StoredAsset => ({ id: testId('asset'), boardId, contentType: 'image/png', size, createdAt })
        const a1 = asset(board.id, 100, '2026-01-05T00:00:02.000Z')
        const a2 = asset(board.id, 200, '2026-01-05T00:00:01.000Z')
        const a3 = asset(second.id, 300, '2026-01-05T00:00:03.000Z')
        const a4 = asset(elsewhere.id, 5000, '2026-01-05T00:00:04.000Z')
        for (const a of [a1, a2, a3, a4]) await storage.putAsset(a, new Uint8Array(a.size))
        expect(await storage.listAssets(board.id)).toEqual([a2, a1])
        expect(await storage.labAssetBytes(lab.id)).toBe(600)
        await storage.deleteAssets(board.id, [a2.id, a3.id])
        expect(await storage.listAssets(board.id)).toEqual([a1])
        // a3 belongs to another board: asked through this one, it stays.
        expect(await storage.listAssets(second.id)).toEqual([a3])
        expect(await storage.labAssetBytes(lab.id)).toBe(400)
        expect(await storage.labAssetBytes('nosuchlab000')).toBe(0)
      })

      it('answers null for an unknown asset, and for an asset asked through another board', async () => {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        const other = makeBoard(lab.id)
        await storage.createBoard(board, null)
        await storage.createBoard(other, null)
        const asset: StoredAsset = { id: testId('asset'), boardId: board.id, contentType: 'image/gif', size: 1, createdAt: '2026-01-05T00:00:00.000Z' }
        await storage.putAsset(asset, new Uint8Array([1]))
        expect(await storage.getAsset(board.id, 'nosuchasset00')).toBeNull()
        expect(await storage.getAsset(other.id, asset.id)).toBeNull()
        expect(await storage.getAsset('nosuchboard00', asset.id)).toBeNull()
      })
    })

    describe('board secrets (state kept out of the document)', () => {
      async function newBoard(): Promise<Board> {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, null)
        return board
      }

      it('puts JSON values, lists them by prefix in key order, and keeps boards apart', async () => {
        const board = await newBoard()
        const other = await newBoard()
        await storage.putBoardSecrets(board.id, [
          { key: 'ballot/v2/bob', value: { 'shape:a': 1 } },
          { key: 'ballot/v1/alice', value: { 'shape:a': 2, 'shape:b': 1 } },
          { key: 'private/r1/alice/shape:x', value: { record: { id: 'shape:x', text: 'é✓ "quoted"' }, n: [1, null, true] } },
        ])
        await storage.putBoardSecrets(other.id, [{ key: 'ballot/v1/carol', value: { 'shape:z': 1 } }])
        expect(await storage.listBoardSecrets(board.id, 'ballot/')).toEqual([
          { key: 'ballot/v1/alice', value: { 'shape:a': 2, 'shape:b': 1 } },
          { key: 'ballot/v2/bob', value: { 'shape:a': 1 } },
        ])
        expect(await storage.listBoardSecrets(board.id, 'ballot/v1/')).toEqual([{ key: 'ballot/v1/alice', value: { 'shape:a': 2, 'shape:b': 1 } }])
        expect(await storage.listBoardSecrets(board.id, 'private/')).toEqual([{ key: 'private/r1/alice/shape:x', value: { record: { id: 'shape:x', text: 'é✓ "quoted"' }, n: [1, null, true] } }])
        expect((await storage.listBoardSecrets(board.id, '')).map((e) => e.key)).toEqual(['ballot/v1/alice', 'ballot/v2/bob', 'private/r1/alice/shape:x'])
        expect(await storage.listBoardSecrets(other.id, '')).toEqual([{ key: 'ballot/v1/carol', value: { 'shape:z': 1 } }])
        expect(await storage.listBoardSecrets('nosuchboard00', '')).toEqual([])
      })

      it('replaces a value under the same key, and deletes a key put with null', async () => {
        const board = await newBoard()
        await storage.putBoardSecrets(board.id, [{ key: 'k/a', value: 1 }, { key: 'k/b', value: 'deux' }])
        await storage.putBoardSecrets(board.id, [{ key: 'k/a', value: { now: 'an object' } }, { key: 'k/b', value: null }, { key: 'k/never', value: null }])
        expect(await storage.listBoardSecrets(board.id, 'k/')).toEqual([{ key: 'k/a', value: { now: 'an object' } }])
      })

      it('takes the prefix literally: no wildcard, case-sensitive', async () => {
        const board = await newBoard()
        const keys = ['a%b/1', 'a_b/1', 'axb/1', 'a*b/1', 'a?b/1', 'a[b]/1', 'A%b/1', 'a%B/1']
        await storage.putBoardSecrets(board.id, keys.map((key) => ({ key, value: key })))
        for (const key of keys) {
          const prefix = key.slice(0, -1)
          expect((await storage.listBoardSecrets(board.id, prefix)).map((e) => e.key)).toEqual([key])
        }
        expect(await storage.deleteBoardSecrets(board.id, 'a*')).toBe(1)
        expect(await storage.deleteBoardSecrets(board.id, 'a%b')).toBe(1)
        expect((await storage.listBoardSecrets(board.id, '')).map((e) => e.key).sort()).toEqual(['A%b/1', 'a%B/1', 'a?b/1', 'a[b]/1', 'a_b/1', 'axb/1'].sort())
      })

      it('deletes by prefix, answers how many, and leaves the rest and other boards alone', async () => {
        const board = await newBoard()
        const other = await newBoard()
        await storage.putBoardSecrets(board.id, [
          { key: 'private/r1/alice/shape:a', value: 1 },
          { key: 'private/r1/bob/shape:b', value: 2 },
          { key: 'private/r10/alice/shape:c', value: 3 },
          { key: 'ballot/v1/alice', value: {} },
        ])
        await storage.putBoardSecrets(other.id, [{ key: 'private/r1/carol/shape:d', value: 4 }])
        expect(await storage.deleteBoardSecrets(board.id, 'private/r1/')).toBe(2)
        expect((await storage.listBoardSecrets(board.id, '')).map((e) => e.key)).toEqual(['ballot/v1/alice', 'private/r10/alice/shape:c'])
        expect(await storage.listBoardSecrets(other.id, '')).toEqual([{ key: 'private/r1/carol/shape:d', value: 4 }])
        expect(await storage.deleteBoardSecrets(board.id, 'private/r1/')).toBe(0)
        expect(await storage.deleteBoardSecrets('nosuchboard00', '')).toBe(0)
      })

      it('puts all entries or none: a value that is not JSON or a bad key rejects the whole batch', async () => {
        const board = await newBoard()
        await storage.putBoardSecrets(board.id, [{ key: 'keep', value: 'before' }])
        await expect(storage.putBoardSecrets(board.id, [{ key: 'keep', value: 'after' }, { key: 'new', value: 1 }, { key: 'bad', value: 10n }])).rejects.toThrow()
        await expect(storage.putBoardSecrets(board.id, [{ key: 'keep', value: 'after' }, { key: 'bad', value: undefined }])).rejects.toThrow()
        await expect(storage.putBoardSecrets(board.id, [{ key: 'keep', value: null }, { key: '', value: 1 }])).rejects.toThrow()
        expect(await storage.listBoardSecrets(board.id, '')).toEqual([{ key: 'keep', value: 'before' }])
      })

      it('refuses entries of an unknown board and keeps nothing', async () => {
        await expect(storage.putBoardSecrets('nosuchboard00', [{ key: 'k', value: 1 }])).rejects.toThrow()
        await expect(storage.putBoardSecrets('nosuchboard00', [{ key: 'k', value: null }])).rejects.toThrow()
        expect(await storage.listBoardSecrets('nosuchboard00', '')).toEqual([])
      })

      it('returns copies: changing what it returned, or what was put, does not change what is kept', async () => {
        const board = await newBoard()
        const value = { dots: { 'shape:a': 1 } }
        await storage.putBoardSecrets(board.id, [{ key: 'k', value }])
        value.dots['shape:a'] = 99
        const [read] = await storage.listBoardSecrets(board.id, 'k')
        ;(read!.value as typeof value).dots['shape:a'] = 42
        expect(await storage.listBoardSecrets(board.id, 'k')).toEqual([{ key: 'k', value: { dots: { 'shape:a': 1 } } }])
      })
    })

    describe('checkpoints (history)', () => {
      async function newBoard(): Promise<Board> {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, null)
        return board
      }
      const checkpoint = (boardId: string, createdAt: string, overrides: Partial<StoredCheckpoint> = {}): StoredCheckpoint => ({
        id: testId('cp'),
        boardId,
        kind: 'auto',
        name: null,
        createdAt,
        createdBy: null,
        contributors: [{ id: 'who000001', name: 'Amina' }],
        bytes: 1234,
        assetIds: [],
        ...overrides,
      })

      it('keeps a checkpoint and its state; lists them newest first without states; gets one with its state', async () => {
        const board = await newBoard()
        const older = checkpoint(board.id, '2026-03-12T15:00:00.000Z')
        const named = checkpoint(board.id, '2026-03-12T16:05:00.000Z', {
          kind: 'named',
          name: 'Fin de l’atelier du 12 mars — « idées » 🌱',
          createdBy: { id: 'who000002', name: 'Fatou' },
          contributors: [],
          assetIds: ['img00000001'],
        })
        const state = new Uint8Array([1, 2, 3, 250, 0, 7])
        await storage.putCheckpoint(older, new Uint8Array([9]))
        await storage.putCheckpoint(named, state)
        expect(await storage.listCheckpoints(board.id)).toEqual([named, older])
        expect(await storage.getCheckpoint(board.id, named.id)).toEqual({ checkpoint: named, state })
      })

      it('orders checkpoints of the same time by id, descending', async () => {
        const board = await newBoard()
        const at = '2026-03-12T15:00:00.000Z'
        const a = checkpoint(board.id, at, { id: 'cpAAAAAAAA' })
        const b = checkpoint(board.id, at, { id: 'cpBBBBBBBB' })
        await storage.putCheckpoint(a, new Uint8Array([1]))
        await storage.putCheckpoint(b, new Uint8Array([2]))
        expect((await storage.listCheckpoints(board.id)).map((c) => c.id)).toEqual([b.id, a.id])
      })

      it('answers null for an unknown checkpoint or one asked through another board, and keeps boards apart', async () => {
        const board = await newBoard()
        const other = await newBoard()
        const cp = checkpoint(board.id, '2026-03-12T15:00:00.000Z')
        await storage.putCheckpoint(cp, new Uint8Array([1]))
        expect(await storage.getCheckpoint(board.id, 'nosuchcp0000')).toBeNull()
        expect(await storage.getCheckpoint(other.id, cp.id)).toBeNull()
        expect(await storage.listCheckpoints(other.id)).toEqual([])
      })

      it('refuses a checkpoint of an unknown board, and a second one with the same id (the first stays)', async () => {
        await expect(storage.putCheckpoint(checkpoint('nosuchboard00', '2026-03-12T15:00:00.000Z'), new Uint8Array([1]))).rejects.toThrow()
        const board = await newBoard()
        const cp = checkpoint(board.id, '2026-03-12T15:00:00.000Z')
        await storage.putCheckpoint(cp, new Uint8Array([1]))
        await expect(storage.putCheckpoint({ ...cp, name: 'autre' }, new Uint8Array([2]))).rejects.toThrow()
        expect(await storage.getCheckpoint(board.id, cp.id)).toEqual({ checkpoint: cp, state: new Uint8Array([1]) })
      })

      it('deletes some checkpoints, answering how many there were, and leaves the rest', async () => {
        const board = await newBoard()
        const other = await newBoard()
        const [a, b, c] = ['01', '02', '03'].map((d) => checkpoint(board.id, `2026-03-${d}T10:00:00.000Z`))
        const elsewhere = checkpoint(other.id, '2026-03-01T10:00:00.000Z')
        for (const cp of [a!, b!, c!, elsewhere]) await storage.putCheckpoint(cp, new Uint8Array([1]))
        expect(await storage.deleteCheckpoints(board.id, [a!.id, c!.id, 'nosuchcp0000', elsewhere.id])).toBe(2)
        expect(await storage.listCheckpoints(board.id)).toEqual([b])
        expect(await storage.listCheckpoints(other.id)).toEqual([elsewhere])
      })

      it('keeps checkpoints when the board’s update log is compacted', async () => {
        const board = await newBoard()
        const cp = checkpoint(board.id, '2026-03-12T15:00:00.000Z')
        await storage.putCheckpoint(cp, new Uint8Array([4, 5]))
        const seq = await storage.appendUpdate(board.id, new Uint8Array([0, 0]))
        await storage.compactUpdates(board.id, new Uint8Array([0, 0]), seq)
        expect(await storage.getCheckpoint(board.id, cp.id)).toEqual({ checkpoint: cp, state: new Uint8Array([4, 5]) })
      })

      it('returns copies: changing what it returned, or what was put, does not change what is kept', async () => {
        const board = await newBoard()
        const cp = checkpoint(board.id, '2026-03-12T15:00:00.000Z')
        const state = new Uint8Array([1, 2])
        await storage.putCheckpoint(cp, state)
        state[0] = 99
        cp.contributors.push({ id: 'x', name: 'x' })
        const got = (await storage.getCheckpoint(board.id, cp.id))!
        expect(got.state).toEqual(new Uint8Array([1, 2]))
        expect(got.checkpoint.contributors).toHaveLength(1)
        got.state[1] = 99
        got.checkpoint.contributors.length = 0
        ;(await storage.listCheckpoints(board.id))[0]!.contributors.length = 0
        const again = (await storage.getCheckpoint(board.id, cp.id))!
        expect(again.state).toEqual(new Uint8Array([1, 2]))
        expect(again.checkpoint.contributors).toHaveLength(1)
      })
    })

    describe('the bin (deleted records)', () => {
      async function newBoard(): Promise<Board> {
        const lab = await createLab()
        const board = makeBoard(lab.id)
        await storage.createBoard(board, null)
        return board
      }
      const entry = (recordId: string, batch: string, deletedAt: string, text = 'Covoiturage'): BinEntry => ({
        recordId,
        batch,
        record: { id: recordId, typeName: 'shape', type: 'note', props: { text }, meta: { author: 'who000001' } },
        deletedAt,
        deletedBy: { id: 'who000001', name: 'Amina' },
      })

      it('keeps deleted records and lists them newest first, by batch then record id', async () => {
        const board = await newBoard()
        const early = [entry('shape:b', 'batch1', '2026-03-12T10:00:00.000Z'), entry('shape:a', 'batch1', '2026-03-12T10:00:00.000Z')]
        const late = entry('shape:c', 'batch2', '2026-03-12T11:00:00.000Z', 'Crèche « partagée »')
        await storage.putInBin(board.id, early)
        await storage.putInBin(board.id, [{ ...late, deletedBy: null }])
        expect(await storage.listBin(board.id)).toEqual([{ ...late, deletedBy: null }, early[1], early[0]])
      })

      it('lists only what was deleted at or after `since`', async () => {
        const board = await newBoard()
        await storage.putInBin(board.id, [entry('shape:a', 'b1', '2026-03-01T10:00:00.000Z'), entry('shape:b', 'b2', '2026-03-10T10:00:00.000Z')])
        expect((await storage.listBin(board.id, '2026-03-10T10:00:00.000Z')).map((e) => e.recordId)).toEqual(['shape:b'])
        expect((await storage.listBin(board.id, '2026-04-01T00:00:00.000Z'))).toEqual([])
      })

      it('replaces the entry of a record deleted again', async () => {
        const board = await newBoard()
        await storage.putInBin(board.id, [entry('shape:a', 'b1', '2026-03-01T10:00:00.000Z', 'avant')])
        const again = entry('shape:a', 'b2', '2026-03-02T10:00:00.000Z', 'après')
        await storage.putInBin(board.id, [again])
        expect(await storage.listBin(board.id)).toEqual([again])
      })

      it('takes records out of the bin, answering how many were there, and keeps boards apart', async () => {
        const board = await newBoard()
        const other = await newBoard()
        await storage.putInBin(board.id, [entry('shape:a', 'b1', '2026-03-01T10:00:00.000Z'), entry('shape:b', 'b1', '2026-03-01T10:00:00.000Z')])
        await storage.putInBin(other.id, [entry('shape:a', 'b9', '2026-03-01T10:00:00.000Z')])
        expect(await storage.removeFromBin(board.id, ['shape:a', 'shape:zz'])).toBe(1)
        expect((await storage.listBin(board.id)).map((e) => e.recordId)).toEqual(['shape:b'])
        expect((await storage.listBin(other.id)).map((e) => e.recordId)).toEqual(['shape:a'])
      })

      it('purges what every board deleted before a time, and answers how many', async () => {
        const board = await newBoard()
        const other = await newBoard()
        await storage.putInBin(board.id, [entry('shape:old', 'b1', '2026-01-01T10:00:00.000Z'), entry('shape:new', 'b2', '2026-03-01T10:00:00.000Z')])
        await storage.putInBin(other.id, [entry('shape:old', 'b3', '2026-01-15T10:00:00.000Z')])
        expect(await storage.purgeBin('2026-02-01T00:00:00.000Z')).toBe(2)
        expect((await storage.listBin(board.id)).map((e) => e.recordId)).toEqual(['shape:new'])
        expect(await storage.listBin(other.id)).toEqual([])
      })

      it('refuses entries of an unknown board and keeps nothing', async () => {
        await expect(storage.putInBin('nosuchboard00', [entry('shape:a', 'b1', '2026-03-01T10:00:00.000Z')])).rejects.toThrow()
        expect(await storage.listBin('nosuchboard00')).toEqual([])
      })

      it('returns copies of the records it keeps', async () => {
        const board = await newBoard()
        const e = entry('shape:a', 'b1', '2026-03-01T10:00:00.000Z')
        await storage.putInBin(board.id, [e])
        ;(e.record.props as { text: string }).text = 'changé'
        const listed = await storage.listBin(board.id)
        expect((listed[0]!.record.props as { text: string }).text).toBe('Covoiturage')
        ;(listed[0]!.record.props as { text: string }).text = 'changé'
        expect(((await storage.listBin(board.id))[0]!.record.props as { text: string }).text).toBe('Covoiturage')
      })
    })

    describe('identities', () => {
      const makeIdentity = (labId: string): StoredIdentity => ({
        id: testId('who'),
        labId,
        name: 'Amina Benali',
        color: '#1971c2',
        secretHash: 'f'.repeat(64),
        createdAt: '2026-01-06T09:00:00.000Z',
      })

      it('creates an identity and reads it back; unknown ones are null', async () => {
        const lab = await createLab()
        const identity = makeIdentity(lab.id)
        await storage.createIdentity(identity)
        expect(await storage.getIdentity(identity.id)).toEqual(identity)
        expect(await storage.getIdentity('nosuchperson')).toBeNull()
      })

      it('refuses an identity of an unknown lab, and a second one with the same id', async () => {
        await expect(storage.createIdentity(makeIdentity('nosuchlab000'))).rejects.toThrow()
        const lab = await createLab()
        const identity = makeIdentity(lab.id)
        await storage.createIdentity(identity)
        await expect(storage.createIdentity({ ...identity, name: 'Autre' })).rejects.toThrow()
        expect((await storage.getIdentity(identity.id))?.name).toBe('Amina Benali')
      })

      it('changes the name, the colour or both, and nothing else', async () => {
        const lab = await createLab()
        const identity = makeIdentity(lab.id)
        await storage.createIdentity(identity)
        expect(await storage.updateIdentity(identity.id, { name: 'Amina B.' })).toEqual({ ...identity, name: 'Amina B.' })
        expect(await storage.updateIdentity(identity.id, { color: '#e03131' })).toEqual({ ...identity, name: 'Amina B.', color: '#e03131' })
        expect(await storage.getIdentity(identity.id)).toEqual({ ...identity, name: 'Amina B.', color: '#e03131' })
        expect(await storage.updateIdentity('nosuchperson', { name: 'X' })).toBeNull()
      })
    })
  })
}
