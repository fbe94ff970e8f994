import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { getRecordsMap } from '../../shared/boardDoc'
import { appliedTemplates, applyTemplate, buildTemplate, getTemplate, TEMPLATES } from '../../shared/templates'
import { DEFAULT_PAGE_ID } from '../../shared/tldrawDoc'
import { connect, waitFor, waitSynced } from '../support/providers'
import { api, createLabAndBoard, startServer, type TestServer } from '../support/testServer'

let servers: TestServer[] = []
const cleanups: (() => void)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0)) c()
  for (const s of servers.splice(0)) await s.stop()
})

async function server() {
  const s = await startServer()
  servers.push(s)
  return s
}

function client(s: TestServer, boardId: string, token: string) {
  const c = connect(s.wsUrl, boardId, token)
  cleanups.push(() => c.provider.destroy())
  return c
}

const shapesOf = (doc: Y.Doc, insertion: string) => [...getRecordsMap(doc).values()].filter((r) => r.typeName === 'shape' && (r as any).meta?.insertion === insertion)

describe('templates over the API and real sockets', () => {
  it('GET /api/templates lists the nineteen templates with their phase, activities and both languages', async () => {
    const s = await server()
    const { status, body } = await api(s.url, 'GET', '/api/templates')
    expect(status).toBe(200)
    expect(body).toHaveLength(19)
    expect(body.map((t: any) => t.id)).toEqual(TEMPLATES.map((t) => t.id))
    for (const t of body) {
      expect(t.title.fr && t.title.en && t.description.fr && t.description.en).toBeTruthy()
      expect(t.activities.length).toBeGreaterThan(0)
      expect(Object.keys(t).sort()).toEqual(['activities', 'description', 'id', 'phase', 'title'])
    }
  })

  it('a board created from a template opens with the template built once, in the requested language', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Iceberg', phase: 'emergence', template: 'iceberg', lang: 'en' })
    expect(board).toMatchObject({ template: 'iceberg', phase: 'emergence' })
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    const expected = buildTemplate(getTemplate('iceberg')!, { lang: 'en', origin: { x: 0, y: 0 }, insertionId: 'initial', pageId: DEFAULT_PAGE_ID })
    const shapes = shapesOf(a.doc, 'initial')
    expect(shapes.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort())
    expect(JSON.stringify(shapes)).toContain('Mental models')
    expect(appliedTemplates(a.doc).get('initial')).toBe('iceberg')
  })

  it('two clients racing to apply the same template on a new board end with one copy', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Vierge' })
    const a = client(s, board.id, lab.tokens.facilitator)
    const b = client(s, board.id, lab.tokens.facilitator)
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])
    // Both apply while neither has seen the other's write: offline, then back online.
    a.provider.disconnect()
    b.provider.disconnect()
    const options = { lang: 'fr' as const, origin: { x: 0, y: 0 }, insertionId: 'race', pageId: DEFAULT_PAGE_ID }
    expect(applyTemplate(a.doc, 'tableau-co-construction', options)).toBe(true)
    expect(applyTemplate(b.doc, 'tableau-co-construction', options)).toBe(true)
    a.provider.connect()
    b.provider.connect()
    const expected = buildTemplate(getTemplate('tableau-co-construction')!, options).length
    await waitFor(() => Y.encodeStateVector(a.doc).toString() === Y.encodeStateVector(b.doc).toString() && shapesOf(a.doc, 'race').length > 0, 'both clients converged')
    expect(shapesOf(a.doc, 'race')).toHaveLength(expected)
    expect(shapesOf(b.doc, 'race')).toHaveLength(expected)
    // Applying again afterwards does nothing; a fresh client sees one copy too.
    expect(applyTemplate(a.doc, 'tableau-co-construction', options)).toBe(false)
    const c = client(s, board.id, lab.tokens.viewer)
    await waitSynced(c.provider)
    expect(shapesOf(c.doc, 'race')).toHaveLength(expected)
    expect([...appliedTemplates(c.doc).entries()]).toEqual([['race', 'tableau-co-construction']])
  })

  it('refuses an unknown template with 400 and creates nothing', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const res = await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'X', template: 'no-such-template' }, lab.tokens.facilitator)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/unknown template/)
    const view = await api(s.url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)
    expect(view.body.boards).toHaveLength(1)
  })
})
