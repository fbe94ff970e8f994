import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../../server/access/tokens'
import { loadConfig } from '../../server/config'
import { FabriqueServer } from '../../server/FabriqueServer'
import { createLogger } from '../../server/logger'
import { isErrorCode, type ErrorCode } from '../../shared/errors'
import type { Board, BoardView, CreatedLab, Lab, LabView } from '../../shared/lab'
import { ACTIVITIES } from '../../shared/phases'
import { isId } from '../../shared/validation'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note } from '../support/records'
import { api, createLabAndBoard, makeDataDir, startServer, type TestServer } from '../support/testServer'

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0])

let servers: TestServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop()
})

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer(env)
  servers.push(s)
  return s
}

/** Row counts read straight from the server's SQLite file. */
function dbCounts(dataDir: string): Record<'labs' | 'boards' | 'board_updates' | 'assets', number> {
  const db = new Database(path.join(dataDir, 'fabrique.db'), { readonly: true, fileMustExist: true })
  try {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
    return { labs: count('labs'), boards: count('boards'), board_updates: count('board_updates'), assets: count('assets') }
  } finally {
    db.close()
  }
}

/** Every byte SQLite wrote for the server: the database file and its WAL. */
function dbBytes(dataDir: string): Buffer {
  return Buffer.concat(
    fs
      .readdirSync(dataDir)
      .filter((f) => f.startsWith('fabrique.db'))
      .map((f) => fs.readFileSync(path.join(dataDir, f))),
  )
}

async function request(base: string, method: string, pathname: string, init: { headers?: Record<string, string>; body?: string | Buffer } = {}) {
  const body = typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body)
  const res = await fetch(base + pathname, { method, headers: init.headers, body })
  const text = await res.text()
  let parsed: any = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = text
  }
  return { status: res.status, headers: res.headers, body: parsed, raw: text }
}

/** A request whose body is sent in chunks, without Content-Length (Transfer-Encoding: chunked). */
function chunkedRequest(base: string, method: string, pathname: string, headers: Record<string, string>, chunks: Buffer[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + pathname, { method, headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString() || 'null') }))
    })
    req.on('error', reject)
    const write = (i: number): void => {
      if (i === chunks.length) req.end()
      else req.write(chunks[i], () => setImmediate(() => write(i + 1)))
    }
    write(0)
  })
}

/** An error answer: its status, `{error, code}` with a known code (this one, when given) and the message matching. */
const expectError = (res: { status: number; body: any }, status: number, message?: RegExp | null, code?: ErrorCode) => {
  expect({ status: res.status, hasError: typeof res.body?.error === 'string', knownCode: isErrorCode(res.body?.code) }).toEqual({ status, hasError: true, knownCode: true })
  if (message) expect(res.body.error).toMatch(message)
  if (code) expect(res.body.code).toBe(code)
}

describe('POST /api/labs', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer()
    return () => s.stop()
  })

  it('creates a lab: 201, the lab, and three distinct tokens of at least 128 bits', async () => {
    const res = await api<CreatedLab>(s.url, 'POST', '/api/labs', { title: '  Bien vieillir à Roubaix  ' })
    expect(res.status).toBe(201)
    const { tokens, ...lab } = res.body
    expect(isId(lab.id)).toBe(true)
    expect(lab).toEqual({
      id: lab.id,
      title: 'Bien vieillir à Roubaix',
      theme: '',
      territory: '',
      startDate: null,
      phase: 'detection',
      members: [],
      activities: {},
      createdAt: lab.createdAt,
      updatedAt: lab.createdAt,
    })
    expect(new Date(lab.createdAt).toISOString()).toBe(lab.createdAt)
    expect(Object.keys(tokens).sort()).toEqual(['facilitator', 'participant', 'viewer'])
    for (const token of Object.values(tokens)) {
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
    }
    const other = await api<CreatedLab>(s.url, 'POST', '/api/labs', { title: 'Autre' })
    const all = [...Object.values(tokens), ...Object.values(other.body.tokens)]
    expect(new Set(all).size).toBe(6)
    expect(other.body.id).not.toBe(lab.id)
    // The facilitator reads the same lab back, with the invitation links' secrets.
    const read = await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, tokens.facilitator)
    expect(read.body).toEqual({ lab, boards: [], role: 'facilitator', invitations: { participant: tokens.participant, viewer: tokens.viewer } })
  })

  it('stores the facilitator token only as a hash; the invitation links’ tokens are kept (to be shown again)', async () => {
    const { lab } = await createLabAndBoard(s.url)
    const bytes = dbBytes(s.dataDir)
    expect(bytes.includes(Buffer.from(lab.tokens.facilitator))).toBe(false)
    expect(bytes.includes(Buffer.from(lab.tokens.participant))).toBe(true)
    expect(bytes.includes(Buffer.from(lab.tokens.viewer))).toBe(true)
    // The check reads the right bytes: every hash is there.
    for (const token of Object.values(lab.tokens)) expect(bytes.includes(Buffer.from(hashToken(token)))).toBe(true)
  })

  const refusals: [string, { headers?: Record<string, string>; body?: string }, number][] = [
    ['invalid JSON', { headers: { 'content-type': 'application/json' }, body: '{"title": "x"' }, 400],
    ['a non-JSON content type', { headers: { 'content-type': 'text/plain' }, body: '{"title":"x"}' }, 415],
    ['no content type', { body: '{"title":"x"}' }, 415],
    ['no body', { headers: { 'content-type': 'application/json' } }, 400],
    ['an array', { headers: { 'content-type': 'application/json' }, body: '["x"]' }, 400],
    ['null', { headers: { 'content-type': 'application/json' }, body: 'null' }, 400],
    ['a missing title', { headers: { 'content-type': 'application/json' }, body: '{}' }, 400],
    ['an empty title', { headers: { 'content-type': 'application/json' }, body: '{"title":"   "}' }, 400],
    ['a title over 120 characters', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x'.repeat(121) }) }, 400],
    ['a number as title', { headers: { 'content-type': 'application/json' }, body: '{"title":42}' }, 400],
    ['null as title', { headers: { 'content-type': 'application/json' }, body: '{"title":null}' }, 400],
    ['an array as title', { headers: { 'content-type': 'application/json' }, body: '{"title":["x"]}' }, 400],
    ['control characters in the title', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'a\u0007b' }) }, 400],
    ['an unknown field', { headers: { 'content-type': 'application/json' }, body: '{"title":"x","phase":"emergence"}' }, 400],
    ['a __proto__ field', { headers: { 'content-type': 'application/json' }, body: '{"title":"x","__proto__":{"admin":true}}' }, 400],
    ['a body over 64 KiB', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x', pad: 'y'.repeat(70_000) }) }, 413],
  ]

  it.each(refusals)('refuses %s with an error, writing nothing', async (_name, init, status) => {
    const before = dbCounts(s.dataDir)
    const res = await request(s.url, 'POST', '/api/labs', init)
    expectError(res, status, null, status === 413 ? 'body.tooLarge' : status === 415 ? 'body.contentType' : init.body === '{"title": "x"' || init.body === undefined ? 'body.notJson' : 'input.invalid')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(dbCounts(s.dataDir)).toEqual(before)
  })

  it('accepts a title of exactly 120 characters, and names the field in its refusals', async () => {
    expect((await api(s.url, 'POST', '/api/labs', { title: 'x'.repeat(120) })).status).toBe(201)
    expectError(await api(s.url, 'POST', '/api/labs', { title: 'x'.repeat(121) }), 400, /"title".*120/, 'input.invalid')
    expectError(await api(s.url, 'POST', '/api/labs', { title: 'x', extra: 1 }), 400, /unknown field.*"extra"/, 'input.invalid')
  })

  it('refuses a chunked body over 64 KiB with 413 (no Content-Length to check up front)', async () => {
    const before = dbCounts(s.dataDir)
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.from(i === 0 ? '{"title":"x","pad":"' : 'y'.repeat(10_000)))
    const res = await chunkedRequest(s.url, 'POST', '/api/labs', { 'content-type': 'application/json' }, chunks)
    expectError(res, 413)
    expect(dbCounts(s.dataDir)).toEqual(before)
    // The server still answers afterwards.
    expect((await api(s.url, 'POST', '/api/labs', { title: 'après' })).status).toBe(201)
  })
})

describe('labs and boards', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer()
    return () => s.stop()
  })

  async function newLab(title = 'Labo'): Promise<CreatedLab> {
    const res = await api<CreatedLab>(s.url, 'POST', '/api/labs', { title })
    expect(res.status).toBe(201)
    return res.body
  }

  describe('GET /api/labs/:labId', () => {
    it('answers the lab, its boards and the role of each token', async () => {
      const { lab, board } = await createLabAndBoard(s.url)
      for (const role of ['facilitator', 'participant', 'viewer'] as const) {
        const res = await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens[role])
        expect(res.status).toBe(200)
        expect(res.body.role).toBe(role)
        expect(res.body.lab.id).toBe(lab.id)
        expect(res.body.boards).toEqual([board])
        expect(res.body.lab).not.toHaveProperty('tokens')
      }
    })

    it('answers 401 without a token, 403 for a wrong or another lab’s token, 404 for an unknown lab', async () => {
      const lab = await newLab()
      const other = await newLab()
      expectError(await api(s.url, 'GET', `/api/labs/${lab.id}`), 401, null, 'token.missing')
      expectError(await request(s.url, 'GET', `/api/labs/${lab.id}`, { headers: { authorization: `Basic ${lab.tokens.facilitator}` } }), 401, null, 'token.missing')
      expectError(await api(s.url, 'GET', `/api/labs/${lab.id}`, undefined, 'not-a-token'), 403, null, 'token.wrongLab')
      expectError(await api(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator + 'x'), 403, null, 'token.wrongLab')
      expectError(await api(s.url, 'GET', `/api/labs/${lab.id}`, undefined, other.tokens.facilitator), 403, null, 'token.wrongLab')
      expectError(await api(s.url, 'GET', `/api/labs/${lab.id}`, undefined, 'x'.repeat(5000)), 403, null, 'token.wrongLab')
      expectError(await api(s.url, 'GET', '/api/labs/nosuchlab1234', undefined, lab.tokens.facilitator), 404, null, 'lab.notFound')
      expectError(await api(s.url, 'GET', '/api/labs/bad!id', undefined, lab.tokens.facilitator), 404, null, 'lab.notFound')
    })
  })

  describe('POST /api/labs/:labId/boards', () => {
    it('lets a facilitator create a board, seeded with its first state, in the lab’s phase by default', async () => {
      const lab = await newLab()
      const res = await api<Board>(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: ' Carte ' }, lab.tokens.facilitator)
      expect(res.status).toBe(201)
      expect(res.body).toEqual({ id: res.body.id, labId: lab.id, title: 'Carte', phase: 'detection', template: null, createdAt: res.body.createdAt, updatedAt: res.body.createdAt, archived: false, deletedAt: null })
      expect(isId(res.body.id)).toBe(true)
      expect((await s.server.storage.loadUpdates(res.body.id)).updates).toHaveLength(1)
      await api(s.url, 'PATCH', `/api/labs/${lab.id}`, { phase: 'experimentation' }, lab.tokens.facilitator)
      const second = await api<Board>(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'B', lang: 'en', template: null }, lab.tokens.facilitator)
      expect(second.body.phase).toBe('experimentation')
      const third = await api<Board>(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'C', phase: 'emergence', lang: 'fr' }, lab.tokens.facilitator)
      expect(third.body.phase).toBe('emergence')
      const view = await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.viewer)
      expect(view.body.boards.map((b) => b.title)).toEqual(['Carte', 'B', 'C'])
    })

    it.each([
      ['participant', 403],
      ['viewer', 403],
    ] as const)('refuses a %s with %i and writes nothing', async (role, status) => {
      const lab = await newLab()
      const before = dbCounts(s.dataDir)
      expectError(await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'x' }, lab.tokens[role]), status, null, 'role.facilitatorOnly')
      expect(dbCounts(s.dataDir)).toEqual(before)
    })

    it.each([
      ['an unknown phase', { title: 'x', phase: 'launch' }, /"phase"/],
      ['a phase that is not a string', { title: 'x', phase: 2 }, /"phase"/],
      ['an unknown template', { title: 'x', template: 'nope' }, /unknown template/],
      ['a template that is not a string', { title: 'x', template: 3 }, /"template"/],
      ['an unknown lang', { title: 'x', lang: 'de' }, /"lang"/],
      ['a missing title', { phase: 'emergence' }, /"title"/],
      ['an unknown field', { title: 'x', owner: 'me' }, /unknown field/],
    ])('refuses %s with 400 and writes nothing', async (_name, body, message) => {
      const lab = await newLab()
      const before = dbCounts(s.dataDir)
      expectError(await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, body, lab.tokens.facilitator), 400, message, 'input.invalid')
      expect(dbCounts(s.dataDir)).toEqual(before)
    })

    it('answers 401 / 403 / 404 for missing, foreign and unknown labs', async () => {
      const lab = await newLab()
      const other = await newLab()
      expectError(await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'x' }), 401)
      expectError(await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'x' }, other.tokens.facilitator), 403)
      expectError(await api(s.url, 'POST', '/api/labs/nosuchlab1234/boards', { title: 'x' }, lab.tokens.facilitator), 404)
    })
  })

  describe('PATCH /api/labs/:labId', () => {
    it('lets a facilitator edit every field; activities merge', async () => {
      const lab = await newLab()
      const members = [
        { name: 'Mairie de Roubaix', family: 'public' },
        { name: 'Les Petits Frères', family: 'ess' },
      ]
      const res = await api<Lab>(
        s.url,
        'PATCH',
        `/api/labs/${lab.id}`,
        { title: 'Titre', theme: 'Isolement', territory: 'Roubaix', startDate: '2026-02-28', phase: 'emergence', members, activities: { detecter: 'done' } },
        lab.tokens.facilitator,
      )
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ title: 'Titre', theme: 'Isolement', territory: 'Roubaix', startDate: '2026-02-28', phase: 'emergence', members, activities: { detecter: 'done' } })
      expect(res.body.updatedAt >= lab.updatedAt).toBe(true)
      const merged = await api<Lab>(s.url, 'PATCH', `/api/labs/${lab.id}`, { activities: { mobiliser: 'in-progress' }, startDate: '' }, lab.tokens.facilitator)
      expect(merged.body.activities).toEqual({ detecter: 'done', mobiliser: 'in-progress' })
      expect(merged.body.startDate).toBeNull()
      const read = await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.participant)
      expect(read.body.lab).toEqual(merged.body)
    })

    it('refuses participants and viewers with 403, and no token with 401', async () => {
      const lab = await newLab()
      expectError(await api(s.url, 'PATCH', `/api/labs/${lab.id}`, { title: 'x' }, lab.tokens.participant), 403, null, 'role.facilitatorOnly')
      expectError(await api(s.url, 'PATCH', `/api/labs/${lab.id}`, { title: 'x' }, lab.tokens.viewer), 403, null, 'role.facilitatorOnly')
      expectError(await api(s.url, 'PATCH', `/api/labs/${lab.id}`, { title: 'x' }), 401)
      const read = await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.viewer)
      expect(read.body.lab.title).toBe('Labo')
    })

    const invalid: [string, unknown][] = [
      ['an empty body', {}],
      ['an unknown field', { title: 'x', tokens: {} }],
      ['an empty title', { title: '' }],
      ['a theme that is not a string', { theme: 5 }],
      ['a theme over 1000 characters', { theme: 'x'.repeat(1001) }],
      ['a territory over 120 characters', { territory: 'x'.repeat(121) }],
      ['a start date that does not exist', { startDate: '2026-02-30' }],
      ['a start date in another format', { startDate: '28/02/2026' }],
      ['a start date with a time', { startDate: '2026-02-28T10:00:00Z' }],
      ['a start date that is a number', { startDate: 20260228 }],
      ['an unknown phase', { phase: 'done' }],
      ['members that are not an array', { members: { name: 'x', family: 'public' } }],
      ['a member without a family', { members: [{ name: 'x' }] }],
      ['a member of an unknown family', { members: [{ name: 'x', family: 'club' }] }],
      ['a member with an empty name', { members: [{ name: ' ', family: 'ess' }] }],
      ['a member with an unknown field', { members: [{ name: 'x', family: 'ess', email: 'a@b' }] }],
      ['more than 60 members', { members: Array.from({ length: 61 }, (_, i) => ({ name: `m${i}`, family: 'ess' })) }],
      ['activities that are not an object', { activities: ['detecter'] }],
      ['an unknown activity', { activities: { dormir: 'done' } }],
      ['an unknown activity state', { activities: { detecter: 'finished' } }],
      ['one bad field among good ones', { title: 'Bon titre', phase: 'emergence', activities: { detecter: 'done', evaluer: 'maybe' } }],
    ]

    it.each(invalid)('refuses %s with 400 and changes nothing', async (_name, body) => {
      const lab = await newLab()
      await api(s.url, 'PATCH', `/api/labs/${lab.id}`, { activities: { explorer: 'in-progress' } }, lab.tokens.facilitator)
      const before = (await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body.lab
      expectError(await api(s.url, 'PATCH', `/api/labs/${lab.id}`, body, lab.tokens.facilitator), 400)
      expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)).body.lab).toEqual(before)
    })

    it('accepts every known activity id and state, and 60 members', async () => {
      const lab = await newLab()
      const activities = Object.fromEntries(ACTIVITIES.map((a, i) => [a.id, (['todo', 'in-progress', 'done'] as const)[i % 3]]))
      const members = Array.from({ length: 60 }, (_, i) => ({ name: `m${i}`, family: 'habitants' }))
      const res = await api<Lab>(s.url, 'PATCH', `/api/labs/${lab.id}`, { activities, members }, lab.tokens.facilitator)
      expect(res.status).toBe(200)
      expect(res.body.activities).toEqual(activities)
      expect(res.body.members).toHaveLength(60)
    })
  })

  describe('GET /api/boards/:boardId', () => {
    it('answers the board, its lab and the role, and sets an HttpOnly cookie for its images holding a grant, never the token', async () => {
      const { lab, board } = await createLabAndBoard(s.url)
      for (const role of ['facilitator', 'participant', 'viewer'] as const) {
        const res = await request(s.url, 'GET', `/api/boards/${board.id}`, { headers: { authorization: `Bearer ${lab.tokens[role]}` } })
        expect(res.status).toBe(200)
        expect(res.body as BoardView).toEqual({ board, lab: { id: lab.id, title: lab.title }, role })
        const [grant, legacy] = res.headers.getSetCookie()
        const [pair, ...attributes] = grant!.split(/;\s*/)
        const [name, value] = pair!.split('=')
        expect(name).toBe(`fabrique_assets_${board.id}`)
        for (const token of Object.values(lab.tokens)) expect(grant).not.toContain(token)
        expect(value).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/)
        expect(attributes).toEqual(expect.arrayContaining([`Path=/api/boards/${board.id}/assets`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${30 * 24 * 3600}`]))
        expect(attributes).not.toContain('Secure')
        // The cookie older servers set with the raw token is deleted.
        expect(legacy).toMatch(new RegExp(`^fabrique_lab_${lab.id}=; Path=/api/boards; .*Max-Age=0`))
      }
      const behindProxy = await request(s.url, 'GET', `/api/boards/${board.id}`, { headers: { authorization: `Bearer ${lab.tokens.viewer}`, 'x-forwarded-proto': 'https' } })
      expect(behindProxy.headers.getSetCookie()[0]).toMatch(/; Secure$/)
    })

    it('answers 401 without a token (and sets no cookie), 403 for a wrong token, 404 for an unknown board', async () => {
      const { board } = await createLabAndBoard(s.url)
      const other = await newLab()
      const none = await request(s.url, 'GET', `/api/boards/${board.id}`)
      expectError(none, 401, null, 'token.missing')
      expect(none.headers.get('set-cookie')).toBeNull()
      const wrong = await request(s.url, 'GET', `/api/boards/${board.id}`, { headers: { authorization: `Bearer ${other.tokens.facilitator}` } })
      expectError(wrong, 403, null, 'token.wrongLab')
      expect(wrong.headers.get('set-cookie')).toBeNull()
      expectError(await api(s.url, 'GET', '/api/boards/nosuchboard12', undefined, other.tokens.facilitator), 404, null, 'board.notFound')
    })
  })
})

describe('POST /api/labs/:labId/identities', () => {
  it('issues an identity to any role of the lab: id, name, colour and a secret stored only as a hash', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const ids = new Set<string>()
    for (const token of Object.values(lab.tokens)) {
      const res = await api(s.url, 'POST', `/api/labs/${lab.id}/identities`, { name: '  Léa Martin  ', color: '#2f9e44' }, token)
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ name: 'Léa Martin', color: '#2f9e44' })
      expect(res.body.secret.length).toBeGreaterThanOrEqual(40)
      ids.add(res.body.id)
      expect(dbBytes(s.dataDir).includes(res.body.secret)).toBe(false)
    }
    expect(ids.size).toBe(3)
    const noColour = await api(s.url, 'POST', `/api/labs/${lab.id}/identities`, { name: 'Sans couleur' }, lab.tokens.participant)
    expect(noColour.body.color).toMatch(/^#[0-9a-f]{6}$/)
  })

  it('refuses without a valid token of the lab, and bad names or colours, creating nothing', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const other = await createLabAndBoard(s.url)
    const route = `/api/labs/${lab.id}/identities`
    expectError(await api(s.url, 'POST', route, { name: 'A' }), 401, null, 'token.missing')
    expectError(await api(s.url, 'POST', route, { name: 'A' }, other.lab.tokens.facilitator), 403, null, 'token.wrongLab')
    expectError(await api(s.url, 'POST', '/api/labs/nosuchlab0000/identities', { name: 'A' }, lab.tokens.participant), 404, null, 'lab.notFound')
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(41) }, { name: 'a\u0007b' }, { name: 5 }, { name: 'A', color: 'red' }, { name: 'A', extra: 1 }, []]) {
      expectError(await api(s.url, 'POST', route, body, lab.tokens.participant), 400, null, 'input.invalid')
    }
    const db = new Database(path.join(s.dataDir, 'fabrique.db'), { readonly: true })
    try {
      expect((db.prepare('SELECT COUNT(*) AS n FROM identities').get() as { n: number }).n).toBe(0)
    } finally {
      db.close()
    }
  })
})

describe('assets', () => {
  let s: TestServer
  const MAX = 4096
  beforeAll(async () => {
    s = await startServer({ MAX_ASSET_BYTES: String(MAX) })
    return () => s.stop()
  })

  const upload = (boardId: string, token: string | null, contentType: string, body: Buffer) =>
    request(s.url, 'POST', `/api/boards/${boardId}/assets`, { headers: { 'content-type': contentType, ...(token && { authorization: `Bearer ${token}` }) }, body })

  async function cookieFor(boardId: string, token: string): Promise<string> {
    const res = await request(s.url, 'GET', `/api/boards/${boardId}`, { headers: { authorization: `Bearer ${token}` } })
    return res.headers.get('set-cookie')!.split(';')[0]!
  }

  it('stores a PNG uploaded by a participant and serves it back to members with the board cookie', async () => {
    const { lab, board } = await createLabAndBoard(s.url)
    const res = await upload(board.id, lab.tokens.participant, 'image/png', PNG)
    expect(res.status).toBe(201)
    expect(isId(res.body.id)).toBe(true)
    expect(res.body.src).toBe(`/api/boards/${board.id}/assets/${res.body.id}`)
    const cookie = await cookieFor(board.id, lab.tokens.viewer)
    const got = await fetch(s.url + res.body.src, { headers: { cookie } })
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/png')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('cache-control')).toMatch(/^private/)
    expect(got.headers.get('content-security-policy')).toMatch(/sandbox/)
    expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG)
    // A bearer token works too.
    expect((await request(s.url, 'GET', res.body.src, { headers: { authorization: `Bearer ${lab.tokens.participant}` } })).status).toBe(200)
  })

  it('refuses to serve an image without a token (401), to another lab (403), and answers 404 for unknown images', async () => {
    const { lab, board } = await createLabAndBoard(s.url)
    const other = await createLabAndBoard(s.url)
    const { body } = await upload(board.id, lab.tokens.facilitator, 'image/png', PNG)
    expectError(await request(s.url, 'GET', body.src), 401, null, 'token.missing')
    expectError(await request(s.url, 'GET', body.src, { headers: { authorization: `Bearer ${other.lab.tokens.facilitator}` } }), 403, null, 'token.wrongLab')
    // Another board's cookie is not this board's cookie; this board's cookie holding another
    // board's grant, a token or garbage is refused; the old lab-wide token cookie is not read.
    const otherGrant = (await cookieFor(other.board.id, other.lab.tokens.facilitator)).split('=')[1]!
    expectError(await request(s.url, 'GET', body.src, { headers: { cookie: await cookieFor(other.board.id, other.lab.tokens.facilitator) } }), 401, null, 'token.missing')
    for (const forged of [otherGrant, lab.tokens.facilitator, 'garbage', `${otherGrant.split('.')[0]}.${'A'.repeat(43)}`]) {
      expectError(await request(s.url, 'GET', body.src, { headers: { cookie: `fabrique_assets_${board.id}=${forged}` } }), 403, null, 'token.wrongLab')
    }
    expectError(await request(s.url, 'GET', body.src, { headers: { cookie: `fabrique_lab_${lab.id}=${lab.tokens.facilitator}` } }), 401, null, 'token.missing')
    const cookie = await cookieFor(board.id, lab.tokens.viewer)
    expectError(await request(s.url, 'GET', `/api/boards/${board.id}/assets/nosuchasset1`, { headers: { cookie } }), 404, null, 'image.notFound')
    // An image is reachable only through its own board (whose grant is its own).
    const sibling = await api<Board>(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'sœur' }, lab.tokens.facilitator)
    const siblingCookie = await cookieFor(sibling.body.id, lab.tokens.viewer)
    expectError(await request(s.url, 'GET', `/api/boards/${sibling.body.id}/assets/${body.id}`, { headers: { cookie: siblingCookie } }), 404, null, 'image.notFound')
    expectError(await request(s.url, 'GET', `/api/boards/${sibling.body.id}/assets/${body.id}`, { headers: { cookie: cookie.replace(board.id, sibling.body.id) } }), 403, null, 'token.wrongLab')
  })

  it.each([
    ['a viewer', 'viewer', 'image/png', () => PNG, 403, 'role.viewerReadOnly'],
    ['a non-image type', 'participant', 'text/plain', () => PNG, 415, 'image.type'],
    ['no content type', 'participant', '', () => PNG, 415, 'image.type'],
    ['JPEG bytes sent as PNG', 'participant', 'image/png', () => JPEG_START, 415, 'image.type'],
    ['text sent as PNG', 'participant', 'image/png', () => Buffer.from('<script>alert(1)</script>'), 415, 'image.type'],
    ['an empty body', 'participant', 'image/png', () => Buffer.alloc(0), 400, 'input.invalid'],
    ['an image over MAX_ASSET_BYTES', 'participant', 'image/png', () => Buffer.concat([PNG, Buffer.alloc(MAX)]), 413, 'body.tooLarge'],
  ] as const)('refuses %s, storing nothing', async (_name, role, type, body, status, code) => {
    const { lab, board } = await createLabAndBoard(s.url)
    const before = dbCounts(s.dataDir)
    expectError(await upload(board.id, lab.tokens[role], type, body()), status, null, code)
    expect(dbCounts(s.dataDir).assets).toBe(before.assets)
  })

  it('accepts an image of exactly MAX_ASSET_BYTES', async () => {
    const { lab, board } = await createLabAndBoard(s.url)
    const exact = Buffer.concat([PNG, Buffer.alloc(MAX - PNG.length)])
    expect((await upload(board.id, lab.tokens.participant, 'image/png', exact)).status).toBe(201)
  })

  it('refuses a chunked image over MAX_ASSET_BYTES with 413 and keeps serving', async () => {
    const { lab, board } = await createLabAndBoard(s.url)
    const before = dbCounts(s.dataDir)
    const chunks = [PNG, ...Array.from({ length: 8 }, () => Buffer.alloc(1024))]
    const res = await chunkedRequest(s.url, 'POST', `/api/boards/${board.id}/assets`, { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.participant}` }, chunks)
    expectError(res, 413)
    expect(dbCounts(s.dataDir).assets).toBe(before.assets)
    expect((await upload(board.id, lab.tokens.participant, 'image/png', PNG)).status).toBe(201)
  })

  it('answers 401 without a token and 404 for an unknown board', async () => {
    const { lab } = await createLabAndBoard(s.url)
    const { board } = await createLabAndBoard(s.url)
    expectError(await upload(board.id, null, 'image/png', PNG), 401)
    expectError(await upload('nosuchboard12', lab.tokens.participant, 'image/png', PNG), 404)
  })
})

describe('the rest of the HTTP surface', () => {
  it('answers /healthz and /api/config', async () => {
    const s = await server({ TLDRAW_LICENSE_KEY: 'licence-123', PUBLIC_URL: 'https://fabrique.example.org/' })
    const health = await request(s.url, 'GET', '/healthz')
    expect(health.status).toBe(200)
    expect(health.body).toEqual({ status: 'ok', boardsLoaded: 0, connections: 0, labPages: 0, refusals: { total: 0, byRule: {} }, sendBudget: { queuedBytes: 0, limitBytes: 256 * 1024 * 1024, dropped: 0 } })
    const config = await request(s.url, 'GET', '/api/config')
    expect(config.body).toEqual({ tldrawLicenseKey: 'licence-123', publicUrl: 'https://fabrique.example.org', labCreation: 'open' })
    expect(config.headers.get('cache-control')).toBe('no-store')
  })

  it('counts loaded boards and connections in /healthz', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const c = connect(s.wsUrl, board.id, lab.tokens.participant)
    try {
      await waitSynced(c.provider)
      expect((await request(s.url, 'GET', '/healthz')).body).toMatchObject({ status: 'ok', boardsLoaded: 1, connections: 1, refusals: { total: 0, byRule: {} } })
    } finally {
      c.provider.destroy()
    }
  })

  it('answers JSON errors: 404 for unknown API routes, 405 for wrong methods, 400 for malformed URL encoding', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    for (const p of ['/api/nope', '/api/labs/x/y/z', '/api/', '/api/boards']) expectError(await request(s.url, 'GET', p), 404, null, 'endpoint.notFound')
    expectError(await request(s.url, 'DELETE', `/api/labs/${lab.id}`), 405, null, 'method.notAllowed')
    expectError(await request(s.url, 'GET', '/api/labs'), 405, null, 'method.notAllowed')
    expectError(await request(s.url, 'PUT', '/healthz'), 405, null, 'method.notAllowed')
    expectError(await request(s.url, 'POST', '/index.html'), 405, null, 'method.notAllowed')
    expectError(await request(s.url, 'GET', '/api/labs/%E0%A4%A', { headers: { authorization: `Bearer ${lab.tokens.facilitator}` } }), 400, /malformed/, 'input.invalid')
    expectError(await request(s.url, 'GET', '/api/boards/%ZZ/assets/x'), 400, null, 'input.invalid')
  })

  it('keeps labs, boards, their content and tokens across a restart on the same data directory', async () => {
    let s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    await api(s.url, 'PATCH', `/api/labs/${lab.id}`, { theme: 'Mobilité', activities: { explorer: 'done' } }, lab.tokens.facilitator)
    const before = await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)
    const stored = await s.server.storage.loadUpdates(board.id)
    servers = servers.filter((x) => x !== s)
    s = await s.restart()
    servers.push(s)
    const after = await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)
    expect(after).toEqual(before)
    expect((await api<LabView>(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.viewer)).body.role).toBe('viewer')
    expect((await s.server.storage.loadUpdates(board.id)).updates).toEqual(stored.updates)
  })
})

describe('logs', () => {
  it('never contain a token, at debug level, across the API and sync', async () => {
    const lines: string[] = []
    const dataDir = makeDataDir()
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'debug' })
    const fabrique = new FabriqueServer({ config, logger: createLogger('debug', (line) => lines.push(line)) })
    const port = await fabrique.listen()
    const url = `http://127.0.0.1:${port}`
    const wsUrl = `ws://127.0.0.1:${port}/sync`
    const providers: ReturnType<typeof connect>[] = []
    try {
      const { lab, board } = await createLabAndBoard(url)
      const other = await createLabAndBoard(url)
      const secrets = [...Object.values(lab.tokens), ...Object.values(other.lab.tokens), 'WrongTokenThatLooksReal0123456789abcdefghij']
      const wrong = secrets.at(-1)!
      // API, with every role, wrong tokens, errors and cookies.
      for (const token of Object.values(lab.tokens)) {
        await api(url, 'GET', `/api/labs/${lab.id}`, undefined, token)
        await request(url, 'GET', `/api/boards/${board.id}`, { headers: { authorization: `Bearer ${token}` } })
        await api(url, 'PATCH', `/api/labs/${lab.id}`, { title: 'Nouveau' }, token)
        await api(url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'B', phase: 'nope' }, token)
      }
      await api(url, 'GET', `/api/labs/${lab.id}`, undefined, wrong)
      await api(url, 'GET', `/api/labs/${lab.id}?token=${wrong}`)
      await api(url, 'GET', `/api/labs/${lab.id}`, undefined, other.lab.tokens.facilitator)
      const asset = await request(url, 'POST', `/api/boards/${board.id}/assets`, { headers: { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.participant}` }, body: PNG })
      await request(url, 'GET', asset.body.src, { headers: { cookie: `fabrique_assets_${board.id}=${lab.tokens.viewer}` } })
      await request(url, 'GET', asset.body.src, { headers: { cookie: `fabrique_assets_${board.id}=${wrong}` } })
      await request(url, 'GET', `/api/labs/%E0%A4%A?token=${wrong}`)
      // Sync: writers, a viewer whose writes are refused, refused upgrades, a malformed message.
      const writer = connect(wsUrl, board.id, lab.tokens.participant)
      const viewer = connect(wsUrl, board.id, lab.tokens.viewer)
      providers.push(writer, viewer)
      await Promise.all([waitSynced(writer.provider), waitSynced(viewer.provider)])
      writer.doc.getMap('records').set('shape:1', note('1'))
      viewer.doc.getMap('records').set('shape:v', note('v'))
      writer.provider.awareness.setLocalStateField('presence', { name: 'A' })
      await waitFor(() => viewer.doc.getMap('records').has('shape:1'), 'the write to reach the viewer')
      for (const token of [wrong, other.lab.tokens.facilitator]) {
        await new Promise<void>((resolve) => {
          const ws = new WebSocket(`${wsUrl}/${board.id}?token=${token}`)
          ws.on('unexpected-response', () => resolve())
          ws.on('error', () => resolve())
        })
      }
      const raw = new WebSocket(`${wsUrl}/${board.id}?token=${lab.tokens.facilitator}`)
      await new Promise((r) => raw.on('open', r))
      raw.send(Buffer.from([0, 9, 9]))
      await new Promise((r) => raw.on('close', r))
      await waitFor(() => lines.some((l) => l.includes('malformed message')), 'the malformed message to be logged')
      await waitFor(() => lines.some((l) => l.includes('read-only connection dropped')), 'the refused update to be logged')
      for (const p of providers.splice(0)) p.provider.destroy()
      await fabrique.stop()

      // The check looks at real lines: requests and sync events were logged.
      expect(lines.filter((l) => JSON.parse(l).msg === 'request').length).toBeGreaterThan(15)
      expect(lines.some((l) => l.includes('room loaded'))).toBe(true)
      for (const secret of secrets) {
        expect(lines.filter((l) => l.includes(secret))).toEqual([])
      }
    } finally {
      for (const p of providers) p.provider.destroy()
      await fabrique.stop()
    }
  })
})
