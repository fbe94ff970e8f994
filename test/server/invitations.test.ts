import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { generateLabTokens } from '../../server/access/tokens'
import { MIGRATIONS } from '../../server/persistence/SqliteStorage'
import { getRecordsMap } from '../../shared/boardDoc'
import type { CreatedLab, LabView, RotatedToken } from '../../shared/lab'
import { CloseCode } from '../../shared/protocol'
import { ROLES, type Role } from '../../shared/roles'
import { ControlledStorage } from '../support/controlledStorage'
import { waitFor, waitSynced } from '../support/providers'
import { note } from '../support/records'
import { api, createLabAndBoard, makeDataDir, type TestServer } from '../support/testServer'
import { openSocket, tryUpgrade, type RefusedUpgrade } from '../support/upgrades'
import { useTestResources } from '../support/testResources'

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

const { server, restart, sockets, client: stockClient } = useTestResources()

/** A stock provider that records how the server closed it. */
function client(s: TestServer, boardId: string, token: string) {
  const c = stockClient(s, boardId, token)
  const closes: number[] = []
  c.provider.on('connection-close', (event: { code: number } | null) => {
    if (event) closes.push(event.code)
  })
  return { ...c, closes }
}

const rotate = (s: TestServer, labId: string, role: string, token?: string) => api<RotatedToken>(s.url, 'POST', `/api/labs/${labId}/tokens/${role}/rotate`, {}, token)
const readLab = (s: TestServer, labId: string, token: string) => api<LabView>(s.url, 'GET', `/api/labs/${labId}`, undefined, token)

describe('invitation links', () => {
  it('a facilitator reads the participant and viewer links back; participants and viewers do not see them', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const asFacilitator = await readLab(s, lab.id, lab.tokens.facilitator)
    expect(asFacilitator.status).toBe(200)
    expect(asFacilitator.body.invitations).toEqual({ participant: lab.tokens.participant, viewer: lab.tokens.viewer })
    for (const role of ['participant', 'viewer'] as const) {
      const res = await readLab(s, lab.id, lab.tokens[role])
      expect(res.status).toBe(200)
      expect(res.body.role).toBe(role)
      expect(res.body).not.toHaveProperty('invitations')
      expect(JSON.stringify(res.body)).not.toContain(lab.tokens[role === 'participant' ? 'viewer' : 'participant'])
    }
    // The facilitator's own secret is never shown again.
    expect(JSON.stringify(asFacilitator.body)).not.toContain(lab.tokens.facilitator)
  })

  it('are kept across a restart, including rotated ones', async () => {
    let s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const rotated = await rotate(s, lab.id, 'viewer', lab.tokens.facilitator)
    expect(rotated.status).toBe(201)
    s = await restart(s)
    expect((await readLab(s, lab.id, lab.tokens.facilitator)).body.invitations).toEqual({ participant: lab.tokens.participant, viewer: rotated.body.token })
    expect((await readLab(s, lab.id, rotated.body.token)).body.role).toBe('viewer')
    expect((await readLab(s, lab.id, lab.tokens.viewer)).body).toMatchObject({ code: 'token.wrongLab' })
  })

  it('of a lab made before they were kept are null until rotated', async () => {
    // A database as the previous version left it (schema 2): a lab with only its hashes.
    const dataDir = makeDataDir()
    const db = new Database(path.join(dataDir, 'fabrique.db'))
    db.exec(MIGRATIONS[0]!)
    db.exec(MIGRATIONS[1]!)
    db.pragma('user_version = 2')
    const { tokens, hashes } = generateLabTokens()
    const now = new Date().toISOString()
    db.prepare(
      `INSERT INTO labs (id, title, phase, created_at, updated_at, facilitator_hash, participant_hash, viewer_hash) VALUES ('oldlab000001', 'Ancien labo', 'detection', ?, ?, ?, ?, ?)`,
    ).run(now, now, hashes.facilitator, hashes.participant, hashes.viewer)
    db.close()
    const s = await server({}, dataDir)
    expect((await readLab(s, 'oldlab000001', tokens.facilitator)).body).toMatchObject({ role: 'facilitator', invitations: { participant: null, viewer: null } })
    expect((await readLab(s, 'oldlab000001', tokens.participant)).body.role).toBe('participant')
    const rotated = await rotate(s, 'oldlab000001', 'participant', tokens.facilitator)
    expect(rotated.status).toBe(201)
    expect((await readLab(s, 'oldlab000001', tokens.facilitator)).body.invitations).toEqual({ participant: rotated.body.token, viewer: null })
    // The viewer's old link still works: only the participant's was replaced.
    expect((await readLab(s, 'oldlab000001', tokens.viewer)).body.role).toBe('viewer')
    expect(fs.existsSync(path.join(dataDir, 'fabrique.db'))).toBe(true)
  })
})

describe('rotating a secret', () => {
  it.each(ROLES)('of the %s: its old secret is refused at once (API and upgrade), its sockets are closed with 4401, the others go on syncing', async (role) => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const clients = Object.fromEntries(ROLES.map((r) => [r, client(s, board.id, lab.tokens[r])])) as Record<Role, ReturnType<typeof client>>
    await Promise.all(ROLES.map((r) => waitSynced(clients[r].provider)))

    const res = await rotate(s, lab.id, role, lab.tokens.facilitator)
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ role, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) })
    const fresh = res.body.token
    expect(Object.values(lab.tokens)).not.toContain(fresh)

    // Its open socket is closed with 4401 (the stock client stops); the others stay open.
    await waitFor(() => clients[role].closes.includes(CloseCode.secretRotated), `the ${role} socket closed with 4401`)
    await new Promise((r) => setTimeout(r, 100))
    expect(clients[role].provider.wsconnected).toBe(false)
    expect(clients[role].provider.shouldConnect).toBe(false)
    const others = ROLES.filter((r) => r !== role)
    for (const r of others) {
      expect(clients[r].closes).toEqual([])
      expect(clients[r].provider.wsconnected).toBe(true)
    }
    // ...and still sync: a writer among them writes, everyone else among them sees it.
    const writer = others.find((r) => r !== 'viewer')!
    getRecordsMap(clients[writer].doc).set('shape:after', note('after', 'après la rotation'))
    for (const r of others) await waitFor(() => getRecordsMap(clients[r].doc).has('shape:after'), `the write at the ${r}`)

    // The old secret: refused at the API and at the upgrade, with token.wrongLab.
    expect(await readLab(s, lab.id, lab.tokens[role])).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    const refused = (await tryUpgrade(`${s.wsUrl}/${board.id}?token=${lab.tokens[role]}`, sockets)) as RefusedUpgrade
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual({ error: expect.any(String), code: 'token.wrongLab' })

    // The new one works, with the same role, for the API and sync.
    expect((await readLab(s, lab.id, fresh)).body.role).toBe(role)
    const again = client(s, board.id, fresh)
    await waitSynced(again.provider)
    expect(getRecordsMap(again.doc).has('shape:after')).toBe(true)
    if (role !== 'viewer') {
      getRecordsMap(again.doc).set('shape:new-secret', note('new-secret', 'avec le nouveau lien'))
      await waitFor(() => getRecordsMap(clients[others[0]!].doc).has('shape:new-secret'), 'the new secret’s write elsewhere')
    }
    // The other roles' secrets were not touched.
    for (const r of others) expect((await readLab(s, lab.id, lab.tokens[r])).body.role).toBe(r)
    // What a facilitator reads back follows.
    const facilitatorToken = role === 'facilitator' ? fresh : lab.tokens.facilitator
    const invitations = (await readLab(s, lab.id, facilitatorToken)).body.invitations
    expect(invitations).toEqual({
      participant: role === 'participant' ? fresh : lab.tokens.participant,
      viewer: role === 'viewer' ? fresh : lab.tokens.viewer,
    })
  })

  it('closes that role’s sockets on every board of the lab, and no other lab’s', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const second = await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'Deux' }, lab.tokens.facilitator)
    const other = await createLabAndBoard(s.url)
    const here = [client(s, board.id, lab.tokens.participant), client(s, second.body.id, lab.tokens.participant)]
    const elsewhere = client(s, other.board.id, other.lab.tokens.participant)
    await Promise.all([...here, elsewhere].map((c) => waitSynced(c.provider)))
    expect((await rotate(s, lab.id, 'participant', lab.tokens.facilitator)).status).toBe(201)
    for (const c of here) await waitFor(() => c.closes.includes(CloseCode.secretRotated), 'closed with 4401')
    await new Promise((r) => setTimeout(r, 100))
    expect(elsewhere.closes).toEqual([])
    expect(elsewhere.provider.wsconnected).toBe(true)
  })

  it('also closes a socket let in with the old secret whose board was still loading', async () => {
    let controlled: ControlledStorage | null = null
    const s = await server({}, undefined, { wrapStorage: (inner) => (controlled = new ControlledStorage(inner)) })
    const { lab, board } = await createLabAndBoard(s.url)
    controlled!.holdLoads = true
    const waiting = await openSocket(`${s.wsUrl}/${board.id}?token=${lab.tokens.participant}`, sockets)
    const viewer = await openSocket(`${s.wsUrl}/${board.id}?token=${lab.tokens.viewer}`, sockets)
    expect((await rotate(s, lab.id, 'participant', lab.tokens.facilitator)).status).toBe(201)
    controlled!.releaseLoads()
    expect((await waiting.closed).code).toBe(CloseCode.secretRotated)
    // The viewer, let in the same way, joined the board.
    await waitFor(() => viewer.received.length > 0, 'the viewer served')
    expect(viewer.ws.readyState).toBe(viewer.ws.OPEN)
  })

  it('stops the image cookie and the sync tickets of that role; the other roles’ keep working', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const uploaded = await fetch(`${s.url}/api/boards/${board.id}/assets`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.participant}` }, body: new Uint8Array(PNG) })
    const { src } = (await uploaded.json()) as { src: string }
    const grant = async (token: string) => (await fetch(`${s.url}/api/boards/${board.id}`, { headers: { authorization: `Bearer ${token}` } })).headers.getSetCookie()[0]!.split(';')[0]!
    const image = (cookie: string) => fetch(s.url + src, { headers: { cookie } })
    const ticket = async (token: string) => (await api(s.url, 'POST', `/api/boards/${board.id}/tickets`, {}, token)).body.ticket as string
    const viewerGrant = await grant(lab.tokens.viewer)
    const participantGrant = await grant(lab.tokens.participant)
    const viewerTicket = await ticket(lab.tokens.viewer)
    const participantTicket = await ticket(lab.tokens.participant)
    expect((await image(viewerGrant)).status).toBe(200)
    expect((await image(participantGrant)).status).toBe(200)

    expect((await rotate(s, lab.id, 'viewer', lab.tokens.facilitator)).status).toBe(201)
    const stale = await image(viewerGrant)
    expect(stale.status).toBe(403)
    expect(await stale.json()).toMatchObject({ code: 'token.wrongLab' })
    expect((await image(participantGrant)).status).toBe(200)
    const refused = (await tryUpgrade(`${s.wsUrl}/${board.id}?ticket=${encodeURIComponent(viewerTicket)}`, sockets)) as RefusedUpgrade
    expect(refused).toMatchObject({ status: 401, body: { code: 'ticket.invalid' } })
    expect((await tryUpgrade(`${s.wsUrl}/${board.id}?ticket=${encodeURIComponent(participantTicket)}`, sockets)).status).toBe(101)
  })

  it('is for facilitators only, and for one of the three roles', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    for (const role of ['participant', 'viewer'] as const) {
      for (const target of ROLES) expect(await rotate(s, lab.id, target, lab.tokens[role])).toMatchObject({ status: 403, body: { code: 'role.facilitatorOnly' } })
    }
    expect(await rotate(s, lab.id, 'participant')).toMatchObject({ status: 401, body: { code: 'token.missing' } })
    const other: CreatedLab = (await api(s.url, 'POST', '/api/labs', { title: 'Autre' })).body
    expect(await rotate(s, lab.id, 'participant', other.tokens.facilitator)).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    expect(await rotate(s, lab.id, 'admin', lab.tokens.facilitator)).toMatchObject({ status: 400, body: { code: 'input.invalid' } })
    expect(await rotate(s, 'nosuchlab0000', 'participant', lab.tokens.facilitator)).toMatchObject({ status: 404, body: { code: 'lab.notFound' } })
    expect((await api(s.url, 'GET', `/api/labs/${lab.id}/tokens/participant/rotate`, undefined, lab.tokens.facilitator)).body.code).toBe('method.notAllowed')
    // Nothing changed.
    for (const role of ROLES) expect((await readLab(s, lab.id, lab.tokens[role])).body.role).toBe(role)
    expect((await readLab(s, lab.id, lab.tokens.facilitator)).body.invitations).toEqual({ participant: lab.tokens.participant, viewer: lab.tokens.viewer })
  })

  it('is refused from another site’s page (Origin), like every write', async () => {
    const s = await server({ PUBLIC_URL: 'https://fabrique.example.org' })
    const { lab } = await createLabAndBoard(s.url)
    const res = await fetch(`${s.url}/api/labs/${lab.id}/tokens/participant/rotate`, { method: 'POST', headers: { authorization: `Bearer ${lab.tokens.facilitator}`, origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('origin.refused')
    expect((await readLab(s, lab.id, lab.tokens.participant)).body.role).toBe('participant')
  })
})
