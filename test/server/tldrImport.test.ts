import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import BetterSqlite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { boardAssetPrefix } from '../../shared/assets'
import { BoardMetaKey, getMetaMap, getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import type { CreatedLab, LabEvent, LabView, TldrImport } from '../../shared/lab'
import { createBoardSchema } from '../../shared/tldrawDoc'
import { issueIdentity } from '../support/commands'
import { waitFor, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { api, createLabAndBoard, type TestServer } from '../support/testServer'
import { useTestResources } from '../support/testResources'

const { server, client, onCleanup } = useTestResources()

/** A file saved by an older tldraw (written for these tests): text, geo and note shapes with a plain `text`, an embedded image, a camera and a pointer. */
const OLDER = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/older-tldraw-plain-text.tldr'))
const older = () => JSON.parse(OLDER.toString('utf8'))
const current = createBoardSchema().serialize()

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
/** The first bytes of a JPEG (enough for the type check). */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01])

async function importFile(s: TestServer, labId: string, token: string | undefined, body: Uint8Array | string, query = '', contentType = 'application/vnd.tldraw+json') {
  const res = await fetch(`${s.url}/api/labs/${labId}/boards/import${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token && { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : Buffer.from(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** Boards and images in the whole database (what a refused import must leave as it was). */
function counts(s: TestServer): { boards: number; assets: number; updates: number } {
  const db = new BetterSqlite(path.join(s.dataDir, 'fabrique.db'), { readonly: true })
  try {
    const n = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
    return { boards: n('boards'), assets: n('assets'), updates: n('board_updates') }
  } finally {
    db.close()
  }
}

async function readBoard(s: TestServer, boardId: string, token: string) {
  const c = client(s, boardId, token)
  await waitSynced(c.provider)
  return { records: new Map([...getRecordsMap(c.doc).entries()].map(([k, v]) => [k, structuredClone(v)])), schema: getMetaMap(c.doc).get(BoardMetaKey.schema) }
}

const tldr = (records: unknown[], schema: unknown = current, version: unknown = 1) => JSON.stringify({ tldrawFileFormatVersion: version, schema, records })
const DOC = { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} }
const PAGE = { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} }
const imageAsset = (id: string, src: string, type = 'image', mimeType = 'image/png') => ({ id, typeName: 'asset', type, meta: {}, props: { name: 'photo.png', src, w: 1, h: 1, mimeType, isAnimated: false } })
const imageShape = (id: string, assetId: string) => ({
  id,
  typeName: 'shape',
  type: 'image',
  parentId: 'page:page',
  index: 'a5',
  x: 10,
  y: 20,
  rotation: 0,
  isLocked: false,
  opacity: 1,
  meta: {},
  props: { w: 100, h: 100, playing: true, url: '', assetId, crop: null, flipX: false, flipY: false, altText: '' },
})

describe('POST /api/labs/:labId/boards/import', () => {
  it('imports a file saved by an older tldraw: migrated (plain text becomes rich text), its content only, its image stored with the board; lab pages see the new board', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const controller = new AbortController()
    onCleanup(() => controller.abort())
    const events: LabEvent[] = []
    const stream = await fetch(`${s.url}/api/labs/${lab.id}/events`, { headers: { authorization: `Bearer ${lab.tokens.viewer}` }, signal: controller.signal })
    void (async () => {
      let text = ''
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
          text += Buffer.from(chunk).toString('utf8')
          for (const line of text.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)))
          text = text.slice(text.lastIndexOf('\n') + 1)
        }
      } catch {
        // aborted
      }
    })()
    await waitFor(() => events.some((e) => e.type === 'snapshot'), 'the snapshot')

    const res = await importFile(s, lab.id, lab.tokens.facilitator, OLDER, '?phase=emergence')
    expect(res.status).toBe(201)
    const body = res.body as TldrImport
    // Untitled in the request: the file's own document name.
    expect(body.board).toMatchObject({ labId: lab.id, title: 'Atelier mobilité (ancien tldraw)', phase: 'emergence', template: null, archived: false, deletedAt: null })
    expect(body.shapes).toBe(4)
    expect(body.images).toEqual({ imported: 1, dropped: 0 })
    await waitFor(() => events.some((e) => e.type === 'board' && e.board.id === body.board.id), 'the new board on the lab page')
    expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.participant)).body.boards.map((b) => b.id)).toContain(body.board.id)

    const { records, schema } = await readBoard(s, body.board.id, lab.tokens.participant)
    expect(schema).toEqual(current)
    expect([...records.keys()].sort()).toEqual(['asset:photo', 'document:document', 'page:page', 'shape:idee', 'shape:photo', 'shape:titre', 'shape:zone'])
    const title = records.get('shape:titre')!
    expect((title.props as Record<string, unknown>).text).toBeUndefined()
    expect(textOf(title)).toBe('Atelier : se déplacer sans voiture')
    expect(textOf(records.get('shape:idee'))).toBe('Pas de bus après 20 h')
    expect(textOf(records.get('shape:zone'))).toBe('Freins')
    expect(records.get('shape:idee')).toMatchObject({ x: 120, y: 220, parentId: 'page:page' })
    const src = (records.get('asset:photo')!.props as { src: string }).src
    expect(src.startsWith(boardAssetPrefix(body.board.id))).toBe(true)
    const image = await fetch(`${s.url}${src}`, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG)
  })

  it('takes the title and phase asked for; without a name anywhere, a default title', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const named = await importFile(s, lab.id, lab.tokens.facilitator, OLDER, `?title=${encodeURIComponent('Atelier du 12 mars')}&phase=deploiement`)
    expect(named.body.board).toMatchObject({ title: 'Atelier du 12 mars', phase: 'deploiement' })
    const anonymous = await importFile(s, lab.id, lab.tokens.facilitator, tldr([DOC, PAGE]))
    expect(anonymous.status).toBe(201)
    expect(anonymous.body.board).toMatchObject({ title: 'Tableau importé', phase: 'detection' })
    expect(anonymous.body.shapes).toBe(0)
  })

  const refusals: [string, () => Uint8Array | string, number, string, RegExp?][] = [
    ['an empty file', () => '', 400, 'tldr.notJson'],
    ['a file that is not JSON (a zip)', () => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]), 400, 'tldr.notJson'],
    ['a truncated file', () => OLDER.subarray(0, Math.floor(OLDER.length * 0.6)), 400, 'tldr.truncated'],
    ['a file cut just before its end', () => OLDER.subarray(0, OLDER.length - 3), 400, 'tldr.truncated'],
    ['another application’s JSON (Excalidraw)', () => JSON.stringify({ type: 'excalidraw', version: 2, source: 'https://excalidraw.com', elements: [{ id: 'a', type: 'rectangle', x: 0, y: 0 }], appState: {} }), 400, 'tldr.notTldraw'],
    ['a file of the first tldraw', () => JSON.stringify({ name: 'Old', document: { id: 'doc', version: 15.5, pages: {}, pageStates: {} }, assets: {} }), 400, 'tldr.tldrawV1'],
    ['a file format from a newer tldraw', () => tldr([DOC, PAGE], current, 2), 400, 'tldr.newer'],
    ['records from a newer tldraw', () => { const f = older(); f.schema.sequences['com.tldraw.shape.note'] = 999; return JSON.stringify(f) }, 400, 'tldr.newer', /com\.tldraw\.shape\.note/],
    ['a record that is not valid', () => { const f = older(); f.records.find((r: StoredRecord) => r.id === 'shape:idee').x = 'à gauche'; return JSON.stringify(f) }, 400, 'tldr.invalidRecord', /shape:idee/],
    ['a shape tldraw does not know', () => { const f = older(); f.records.find((r: StoredRecord) => r.id === 'shape:idee').type = 'sticker'; return JSON.stringify(f) }, 400, 'tldr.invalidRecord', /shape:idee/],
    ['a record of an unknown type', () => { const f = older(); f.records.push({ id: 'widget:1', typeName: 'widget' }); return JSON.stringify(f) }, 400, 'tldr.invalidRecord', /widget/],
    ['a shape on a page the file does not have', () => { const f = older(); f.records.find((r: StoredRecord) => r.id === 'shape:idee').parentId = 'page:elsewhere'; return JSON.stringify(f) }, 400, 'tldr.invalidRecord', /page:elsewhere/],
    ['records that are not a list', () => JSON.stringify({ tldrawFileFormatVersion: 1, schema: current, records: {} }), 400, 'tldr.notTldraw'],
    ['a file with more records than a board imports', () => tldr([DOC, PAGE, ...Array.from({ length: 20_001 }, (_, i) => ({ id: `page:p${i}`, typeName: 'page', name: 'p', index: 'a1', meta: {} }))]), 413, 'body.tooLarge', /20000/],
    ['a damaged embedded image', () => tldr([DOC, PAGE, imageAsset('asset:bad', 'data:image/png;base64,AAAAAAAA'), imageShape('shape:bad', 'asset:bad')]), 400, 'tldr.invalidImage', /asset:bad/],
  ]
  for (const [what, file, status, code, reason] of refusals) {
    it(`refuses ${what} with ${code}, and creates nothing`, async () => {
      const s = await server()
      const { lab } = await createLabAndBoard(s.url)
      const before = counts(s)
      const res = await importFile(s, lab.id, lab.tokens.facilitator, file())
      expect([res.status, res.body.code]).toEqual([status, code])
      if (reason) expect(res.body.error).toMatch(reason)
      expect(counts(s)).toEqual(before)
      expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body.boards).toHaveLength(1)
    })
  }

  it('refuses an embedded image larger than an image may be, or past the lab’s quota, and creates nothing', async () => {
    for (const [env, code] of [[{ MAX_ASSET_BYTES: '1024' }, 'tldr.imageTooLarge'], [{ MAX_LAB_ASSET_BYTES: '1000' }, 'assets.quota']] as const) {
      const s = await server(env)
      const { lab } = await createLabAndBoard(s.url)
      const before = counts(s)
      const big = Buffer.concat([PNG, Buffer.alloc(1100)])
      const res = await importFile(s, lab.id, lab.tokens.facilitator, tldr([DOC, PAGE, imageAsset('asset:big', `data:image/png;base64,${big.toString('base64')}`), imageShape('shape:big', 'asset:big')]))
      expect([res.status, res.body.code]).toEqual([413, code])
      expect(counts(s)).toEqual(before)
    }
  })

  it('stores embedded images with their type read from their bytes, never fetches images at other addresses (left out, counted), and keeps their shapes', async () => {
    // An address elsewhere that counts the requests it gets: the server must make none.
    let requests = 0
    const elsewhere = http.createServer((_req, res) => {
      requests++
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG)
    })
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve))
    onCleanup(() => elsewhere.close())
    const remote = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/photo.png`
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const file = tldr([
      DOC,
      PAGE,
      // A JPEG that says it is a PNG: stored as what it is.
      imageAsset('asset:jpeg', `data:image/png;base64,${JPEG.toString('base64')}`),
      imageShape('shape:jpeg', 'asset:jpeg'),
      imageAsset('asset:remote', remote),
      imageShape('shape:remote', 'asset:remote'),
      imageAsset('asset:svg', `data:image/svg+xml;utf8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')}`, 'image', 'image/svg+xml'),
      imageShape('shape:svg', 'asset:svg'),
      // A link preview: its page and picture are elsewhere.
      { id: 'asset:link', typeName: 'asset', type: 'bookmark', meta: {}, props: { src: 'https://example.org/', title: 'Exemple', description: '', image: 'https://example.org/og.png', favicon: '' } },
    ])
    const res = await importFile(s, lab.id, lab.tokens.facilitator, file)
    expect(res.status).toBe(201)
    expect(res.body.images).toEqual({ imported: 2, dropped: 2 })
    expect(requests).toBe(0)
    const { records } = await readBoard(s, res.body.board.id, lab.tokens.facilitator)
    expect(records.has('asset:remote')).toBe(false)
    expect(records.has('asset:link')).toBe(false)
    expect(records.get('shape:remote')).toMatchObject({ x: 10, y: 20, props: { assetId: null } })
    const jpeg = records.get('asset:jpeg')!.props as { src: string; mimeType: string }
    expect(jpeg.mimeType).toBe('image/jpeg')
    const got = await fetch(`${s.url}${jpeg.src}`, { headers: { authorization: `Bearer ${lab.tokens.participant}` } })
    expect([got.status, got.headers.get('content-type')]).toEqual([200, 'image/jpeg'])
    expect(Buffer.from(await got.arrayBuffer())).toEqual(JPEG)
    const svg = records.get('asset:svg')!.props as { src: string }
    expect((await fetch(`${s.url}${svg.src}`, { headers: { authorization: `Bearer ${lab.tokens.participant}` } })).headers.get('content-type')).toBe('image/svg+xml')
    expect(requests).toBe(0)
  })

  it('gives back, from a file made of a board, the same records; authors are kept when they are people of this lab only', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Arbre', template: 'arbre-a-problemes' })
    const { identity } = await issueIdentity(s.url, lab.id, lab.tokens.participant, 'Awa')
    const writer = client(s, board.id, lab.tokens.facilitator)
    await waitSynced(writer.provider)
    getRecordsMap(writer.doc).set('shape:mine', note('mine', 'Écrit par Awa', { meta: { author: identity.id } }))
    const room = await s.server.rooms.getRoom(board.id)
    await waitFor(() => getRecordsMap(room.doc).has('shape:mine'), 'the note on the server')
    // The facilitator's client wrote it, so the server stamped the facilitator: as if Awa had written it.
    await room.transact((doc) => getRecordsMap(doc).set('shape:mine', note('mine', 'Écrit par Awa', { meta: { author: identity.id } })))
    const { records, schema } = await readBoard(s, board.id, lab.tokens.viewer)
    const foreign = { ...note('foreign', 'Écrit ailleurs'), meta: { author: 'someone-of-another-lab' } }
    const file = JSON.stringify({ tldrawFileFormatVersion: 1, schema, records: [...records.values(), foreign] })
    const res = await importFile(s, lab.id, lab.tokens.facilitator, file)
    expect(res.status).toBe(201)
    const imported = (await readBoard(s, res.body.board.id, lab.tokens.viewer)).records
    expect(imported.get('shape:foreign')!.meta).toEqual({})
    imported.delete('shape:foreign')
    expect(imported).toEqual(records)
    expect((imported.get('shape:mine')!.meta as { author?: string }).author).toBe(identity.id)
  })

  it('is for facilitators only; the file itself is the body', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const stranger = (await api<CreatedLab>(s.url, 'POST', '/api/labs', { title: 'Autre' })).body
    const before = counts(s)
    for (const [token, status, code] of [
      [lab.tokens.participant, 403, 'role.facilitatorOnly'],
      [lab.tokens.viewer, 403, 'role.facilitatorOnly'],
      [undefined, 401, 'token.missing'],
      [stranger.tokens.facilitator, 403, 'token.wrongLab'],
    ] as const) {
      const res = await importFile(s, lab.id, token, OLDER)
      expect([res.status, res.body.code]).toEqual([status, code])
    }
    const form = await importFile(s, lab.id, lab.tokens.facilitator, OLDER, '', 'multipart/form-data; boundary=x')
    expect([form.status, form.body.code]).toEqual([415, 'body.contentType'])
    for (const query of ['?phase=later', `?title=${'x'.repeat(121)}`, '?color=red', '?title=a&title=b']) {
      const res = await importFile(s, lab.id, lab.tokens.facilitator, OLDER, query)
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'input.invalid'])
    }
    expect(counts(s)).toEqual(before)
    expect((await importFile(s, 'nosuchlab0000', lab.tokens.facilitator, OLDER)).status).toBe(404)
  })
})

