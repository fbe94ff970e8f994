import WebSocketImpl from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { getRecordsMap } from '../../shared/boardDoc'
import type { SyncTicket } from '../../shared/lab'
import { ROLES, type Role } from '../../shared/roles'
import { commandChannel, hello, issueIdentity } from '../support/commands'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note } from '../support/records'
import { api, createLabAndBoard, type TestServer } from '../support/testServer'
import { tryUpgrade, type RefusedUpgrade } from '../support/upgrades'
import { useTestResources } from '../support/testResources'

const { server, restart, sockets, onCleanup } = useTestResources()

/** `POST /api/boards/:boardId/tickets` as the client makes it: the secret and the identity in headers, `{}` as body. */
async function requestTicket(s: TestServer, boardId: string, token: string | null, identity?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/api/boards/${boardId}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...(identity && { 'x-fabrique-identity': identity }), ...headers },
    body: '{}',
  })
  return { status: res.status, body: (await res.json()) as any, headers: res.headers }
}

async function ticketFor(s: TestServer, boardId: string, token: string, identity?: string): Promise<string> {
  const res = await requestTicket(s, boardId, token, identity)
  expect(res.status).toBe(201)
  return (res.body as SyncTicket).ticket
}

/** A stock provider that opens its socket with `?ticket=…` only (no secret in the URL). */
function ticketClient(s: TestServer, boardId: string, ticket: string) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(s.wsUrl, boardId, doc, {
    params: { ticket },
    WebSocketPolyfill: WebSocketImpl as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  provider.messageHandlers[2] = () => {}
  onCleanup(() => provider.destroy())
  return { doc, provider, commands: commandChannel(provider) }
}

const upgrade = (s: TestServer, boardId: string, ticket: string) => tryUpgrade(`${s.wsUrl}/${boardId}?ticket=${encodeURIComponent(ticket)}`, sockets)

async function expectTicketRefused(s: TestServer, boardId: string, ticket: string) {
  const res = (await upgrade(s, boardId, ticket)) as RefusedUpgrade
  expect(res.status).toBe(401)
  expect(res.body).toEqual({ error: expect.any(String), code: 'ticket.invalid' })
}

describe('POST /api/boards/:boardId/tickets', () => {
  it('gives any role of the lab an opaque ticket valid 60 s, which holds no secret', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const seen = new Set<string>()
    for (const role of ROLES) {
      const res = await requestTicket(s, board.id, lab.tokens[role])
      expect(res.status).toBe(201)
      expect(res.body).toEqual({ ticket: expect.any(String), expiresInMs: 60_000 })
      expect(res.headers.get('cache-control')).toBe('no-store')
      const { ticket } = res.body as SyncTicket
      expect(ticket).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
      for (const token of Object.values(lab.tokens)) expect(ticket).not.toContain(token)
      seen.add(ticket)
    }
    expect(seen.size).toBe(3)
    // No body at all is fine too.
    expect((await fetch(`${s.url}/api/boards/${board.id}/tickets`, { method: 'POST', headers: { authorization: `Bearer ${lab.tokens.viewer}` } })).status).toBe(201)
  })

  it('needs a token of the board’s lab, and an identity of that lab when one is presented', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const other = await createLabAndBoard(s.url)
    const foreign = await issueIdentity(s.url, other.lab.id, other.lab.tokens.participant, 'Ailleurs')
    const mine = await issueIdentity(s.url, lab.id, lab.tokens.participant, 'Ici')
    expect(await requestTicket(s, board.id, null)).toMatchObject({ status: 401, body: { code: 'token.missing' } })
    expect(await requestTicket(s, board.id, other.lab.tokens.facilitator)).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    expect(await requestTicket(s, board.id, 'not-a-token')).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    expect(await requestTicket(s, 'nosuchboard12', lab.tokens.participant)).toMatchObject({ status: 404, body: { code: 'board.notFound' } })
    expect(await requestTicket(s, board.id, lab.tokens.participant, foreign.credential)).toMatchObject({ status: 403, body: { code: 'identity.wrongLab' } })
    expect(await requestTicket(s, board.id, lab.tokens.participant, `${mine.identity.id}.wrong-secret`)).toMatchObject({ status: 403, body: { code: 'identity.wrongLab' } })
    expect(await requestTicket(s, board.id, lab.tokens.participant, mine.credential)).toMatchObject({ status: 201 })
  })

  it('is refused from another site’s page, and not counted in the API write limit (every reconnection takes one; the upgrade limit bounds them)', async () => {
    const s = await server({ PUBLIC_URL: 'https://fabrique.example.org', API_WRITES_PER_MINUTE_PER_ADDRESS: '3' })
    const { lab, board } = await createLabAndBoard(s.url)
    // Creating the lab and the board took two writes.
    expect(await requestTicket(s, board.id, lab.tokens.participant, undefined, { origin: 'https://evil.example' })).toMatchObject({ status: 403, body: { code: 'origin.refused' } })
    for (let i = 0; i < 5; i++) expect((await requestTicket(s, board.id, lab.tokens.participant, undefined, { origin: 'https://fabrique.example.org' })).status).toBe(201)
    // Other writes still meet the limit.
    const limited = await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'encore' }, lab.tokens.facilitator)
    const again = await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'encore' }, lab.tokens.facilitator)
    expect([limited.status, again.status]).toContain(429)
  })
})

describe('GET /sync/<boardId>?ticket=…', () => {
  it('opens the board with the ticket’s role and identity: a participant’s notes are stamped with its identity', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const amina = await issueIdentity(s.url, lab.id, lab.tokens.participant, 'Amina')
    const watcher = connect(s.wsUrl, board.id, lab.tokens.facilitator)
    onCleanup(() => watcher.provider.destroy())
    const c = ticketClient(s, board.id, await ticketFor(s, board.id, lab.tokens.participant, amina.credential))
    await Promise.all([waitSynced(c.provider), waitSynced(watcher.provider)])
    await hello(c.commands)
    expect(c.commands.events.find((e) => e.type === 'welcome')).toMatchObject({ role: 'participant', identity: { id: amina.identity.id, name: 'Amina' } })
    getRecordsMap(c.doc).set('shape:by-ticket', note('by-ticket', 'par ticket'))
    await waitFor(() => (getRecordsMap(watcher.doc).get('shape:by-ticket')?.meta as any)?.author === amina.identity.id, 'the note stamped with Amina')
    const room = await s.server.rooms.getRoom(board.id)
    expect((getRecordsMap(room.doc).get('shape:by-ticket')?.meta as any).author).toBe(amina.identity.id)
    // A participant ticket is not a facilitator's.
    expect(await c.commands.send({ type: 'board.setMode', mode: 'frozen' })).toMatchObject({ type: 'error', code: 'forbidden' })
  })

  it.each(ROLES)('gives a %s ticket exactly that role', async (role: Role) => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const c = ticketClient(s, board.id, await ticketFor(s, board.id, lab.tokens[role]))
    await waitSynced(c.provider)
    await hello(c.commands)
    const welcome = c.commands.events.find((e) => e.type === 'welcome') as any
    expect(welcome.role).toBe(role)
    // Without an identity, the connection gets one of its own, as with a token.
    expect(welcome.identity.id).toMatch(/^anon-/)
  })

  it('a viewer ticket stays read-only: its writes reach no one and are not stored', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const writer = connect(s.wsUrl, board.id, lab.tokens.participant)
    onCleanup(() => writer.provider.destroy())
    const viewer = ticketClient(s, board.id, await ticketFor(s, board.id, lab.tokens.viewer))
    await Promise.all([waitSynced(viewer.provider), waitSynced(writer.provider)])
    getRecordsMap(viewer.doc).set('shape:viewer-note', note('viewer-note', 'interdit'))
    getRecordsMap(writer.doc).set('shape:writer-note', note('writer-note', 'permis'))
    await waitFor(() => getRecordsMap(viewer.doc).has('shape:writer-note'), 'the participant’s note at the viewer')
    await new Promise((r) => setTimeout(r, 100))
    const room = await s.server.rooms.getRoom(board.id)
    expect(getRecordsMap(room.doc).has('shape:viewer-note')).toBe(false)
    expect(getRecordsMap(writer.doc).has('shape:viewer-note')).toBe(false)
  })

  it('is single use', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const ticket = await ticketFor(s, board.id, lab.tokens.participant)
    expect((await upgrade(s, board.id, ticket)).status).toBe(101)
    await expectTicketRefused(s, board.id, ticket)
    // Two upgrades racing with one ticket: one gets in.
    const racing = await ticketFor(s, board.id, lab.tokens.participant)
    const statuses = (await Promise.all([upgrade(s, board.id, racing), upgrade(s, board.id, racing), upgrade(s, board.id, racing)])).map((r) => r.status).sort()
    expect(statuses).toEqual([101, 401, 401])
  })

  it('expires (SYNC_TICKET_TTL_MS)', async () => {
    const s = await server({ SYNC_TICKET_TTL_MS: '150' })
    const { lab, board } = await createLabAndBoard(s.url)
    const res = await requestTicket(s, board.id, lab.tokens.participant)
    expect(res.body.expiresInMs).toBe(150)
    await new Promise((r) => setTimeout(r, 250))
    await expectTicketRefused(s, board.id, res.body.ticket)
    // A fresh one, used at once, works.
    expect((await upgrade(s, board.id, await ticketFor(s, board.id, lab.tokens.participant))).status).toBe(101)
  })

  it('opens its own board only', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const sibling = await api(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title: 'Voisin' }, lab.tokens.facilitator)
    const other = await createLabAndBoard(s.url)
    const ticket = await ticketFor(s, board.id, lab.tokens.facilitator)
    await expectTicketRefused(s, sibling.body.id, ticket)
    await expectTicketRefused(s, other.board.id, ticket)
    // Refused elsewhere, it was not spent.
    expect((await upgrade(s, board.id, ticket)).status).toBe(101)
  })

  it('refuses forged and garbled tickets', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const ticket = await ticketFor(s, board.id, lab.tokens.viewer)
    const [body, mac] = ticket.split('.') as [string, string]
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString())
    const reencode = (p: object) => Buffer.from(JSON.stringify(p)).toString('base64url')
    const forged = [
      '',
      'garbage',
      `${body}.`,
      `${body}.${mac.slice(0, -2)}`,
      `${body}.${'A'.repeat(43)}`,
      // A viewer's ticket made a facilitator's, or given more time, or another nonce: the MAC no longer matches.
      `${reencode({ ...payload, r: 'facilitator' })}.${mac}`,
      `${reencode({ ...payload, x: payload.x + 3_600_000 })}.${mac}`,
      `${reencode({ ...payload, n: 'another-nonce' })}.${mac}`,
      `${reencode({ ...payload, i: 'someone' })}.${mac}`,
      `${reencode([1, 2])}.${mac}`,
      `${Buffer.from('not json').toString('base64url')}.${mac}`,
      // A token where a ticket should be.
      lab.tokens.facilitator,
      `${ticket}x`,
      'x'.repeat(5000),
    ]
    for (const f of forged) await expectTicketRefused(s, board.id, f)
    // None of that spent the real one.
    expect((await upgrade(s, board.id, ticket)).status).toBe(101)
  })

  it('stops working once its role’s secret is rotated; other roles’ tickets still work', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const participant = await ticketFor(s, board.id, lab.tokens.participant)
    const viewer = await ticketFor(s, board.id, lab.tokens.viewer)
    const rotated = await api(s.url, 'POST', `/api/labs/${lab.id}/tokens/participant/rotate`, {}, lab.tokens.facilitator)
    expect(rotated.status).toBe(201)
    await expectTicketRefused(s, board.id, participant)
    expect((await upgrade(s, board.id, viewer)).status).toBe(101)
    // The new secret gets tickets that work.
    expect((await upgrade(s, board.id, await ticketFor(s, board.id, rotated.body.token))).status).toBe(101)
    expect(await requestTicket(s, board.id, lab.tokens.participant)).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
  })

  it('issued before a restart still works after it (the signing key is stored)', async () => {
    let s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const ticket = await ticketFor(s, board.id, lab.tokens.participant)
    s = await restart(s)
    expect((await upgrade(s, board.id, ticket)).status).toBe(101)
  })

  it('the old ?token= parameters still open the board (scripts, stock clients); a refusal there carries its code too', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    expect((await tryUpgrade(`${s.wsUrl}/${board.id}?token=${lab.tokens.participant}`, sockets)).status).toBe(101)
    expect(await tryUpgrade(`${s.wsUrl}/${board.id}`, sockets)).toMatchObject({ status: 401, body: { code: 'token.missing' } })
    expect(await tryUpgrade(`${s.wsUrl}/${board.id}?token=wrong`, sockets)).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    expect(await tryUpgrade(`${s.wsUrl}/nosuchboard12?token=wrong`, sockets)).toMatchObject({ status: 404, body: { code: 'board.notFound' } })
    expect(await tryUpgrade(`${s.wsUrl}/${board.id}?token=${lab.tokens.participant}&identity=nobody.secret`, sockets)).toMatchObject({ status: 403, body: { code: 'identity.wrongLab' } })
  })
})
