import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config'
import { FabriqueServer } from '../../server/FabriqueServer'
import type { LabEventLimits } from '../../server/lab/LabEventHub'
import { createLogger } from '../../server/logger'
import type { Board, Lab, LabEvent, RotatedToken } from '../../shared/lab'
import { commandChannel, hello, issueIdentity } from '../support/commands'
import { connect, waitFor, waitSynced } from '../support/providers'
import { api, createLabAndBoard, makeDataDir, type TestServer } from '../support/testServer'
import { useTestResources } from '../support/testResources'

const { server, client, onCleanup } = useTestResources()

/** A lab page's stream as a test reads it: every event, the raw text, heartbeats, the end. */
interface EventReader {
  readonly events: LabEvent[]
  /** Everything received, as sent. */
  readonly text: () => string
  readonly heartbeats: () => number
  readonly ended: () => boolean
  /** Resolves with the first event (from the start of the stream) that `match` accepts. */
  next<T extends LabEvent['type']>(type: T, match?: (event: Extract<LabEvent, { type: T }>) => boolean): Promise<Extract<LabEvent, { type: T }>>
  close(): void
}

const streams: EventReader[] = []
afterEach(() => {
  for (const s of streams.splice(0)) s.close()
})

/** Opens `GET /api/labs/:labId/events` as a browser page would (fetch, secret in the header). */
async function openEvents(base: string, labId: string, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any; reader: EventReader | null }> {
  const controller = new AbortController()
  const res = await fetch(`${base}/api/labs/${labId}/events`, { headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers }, signal: controller.signal })
  if (!res.ok) return { status: res.status, headers: res.headers, body: await res.json(), reader: null }
  const events: LabEvent[] = []
  let raw = ''
  let pending = ''
  let heartbeats = 0
  let ended = false
  const decoder = new TextDecoder()
  const body = res.body!.getReader()
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await body.read()
        if (done) break
        const chunk = decoder.decode(value, { stream: true })
        raw += chunk
        pending += chunk
        let end: number
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end)
          pending = pending.slice(end + 2)
          if (block.startsWith(':')) heartbeats++
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
          if (data.length > 0) events.push(JSON.parse(data.join('\n')) as LabEvent)
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true
  })()
  const reader: EventReader = {
    events,
    text: () => raw,
    heartbeats: () => heartbeats,
    ended: () => ended,
    async next(type, match) {
      let found: any
      await waitFor(() => (found = events.find((e) => e.type === type && (!match || match(e as any)))) !== undefined, `a "${type}" event`)
      return found
    },
    close: () => controller.abort(),
  }
  streams.push(reader)
  return { status: res.status, headers: res.headers, body: null, reader }
}

async function listen(base: string, labId: string, token: string): Promise<EventReader> {
  const opened = await openEvents(base, labId, token)
  if (!opened.reader) throw new Error(`events: ${opened.status} ${JSON.stringify(opened.body)}`)
  await opened.reader.next('snapshot')
  return opened.reader
}

/** A server with its own limits for lab pages (the test helper starts servers with the defaults). */
async function serverWith(labEvents: Partial<LabEventLimits>): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: makeDataDir(), LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', API_WRITES_PER_MINUTE_PER_ADDRESS: '1000000' })
  const s = new FabriqueServer({ config, logger: createLogger(config.logLevel), labEvents })
  const port = await s.listen()
  onCleanup(() => void s.stop())
  const self: TestServer = { server: s, port, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/sync`, dataDir: config.dataDir, config, stop: () => s.stop(), restart: () => Promise.reject(new Error('not here')) }
  return self
}

const patchLab = (s: TestServer, labId: string, token: string, body: unknown) => api<Lab>(s.url, 'PATCH', `/api/labs/${labId}`, body, token)
const createBoard = (s: TestServer, labId: string, token: string, title: string) => api<Board>(s.url, 'POST', `/api/labs/${labId}/boards`, { title }, token)

describe('GET /api/labs/:labId/events', () => {
  it('is a live stream: a snapshot first, then lab changes and new boards as they happen', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const opened = await openEvents(s.url, lab.id, lab.tokens.participant)
    expect(opened.status).toBe(200)
    expect(opened.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(opened.headers.get('cache-control')).toContain('no-store')
    expect(opened.headers.get('x-accel-buffering')).toBe('no')
    const events = opened.reader!
    const snapshot = await events.next('snapshot')
    expect(snapshot).toMatchObject({ role: 'participant', lab: { id: lab.id, phase: 'detection' }, boards: [{ id: board.id }], presence: {}, heartbeatMs: 25_000 })
    expect(events.events[0]!.type).toBe('snapshot')

    expect((await patchLab(s, lab.id, lab.tokens.facilitator, { phase: 'emergence', activities: { 'explorer': 'in-progress' } })).status).toBe(200)
    const changed = await events.next('lab')
    expect(changed.lab.phase).toBe('emergence')
    expect(changed.lab.activities).toEqual({ 'explorer': 'in-progress' })

    await patchLab(s, lab.id, lab.tokens.facilitator, { members: [{ name: 'Métropole de Lyon', family: 'public' }], title: 'Labo renommé' })
    const renamed = await events.next('lab', (e) => e.lab.title === 'Labo renommé')
    expect(renamed.lab.members).toEqual([{ name: 'Métropole de Lyon', family: 'public' }])

    const created = await createBoard(s, lab.id, lab.tokens.facilitator, 'Arbre à problèmes')
    expect(created.status).toBe(201)
    expect((await events.next('board')).board).toEqual(created.body)
    // A refused change tells no one.
    expect((await patchLab(s, lab.id, lab.tokens.participant, { phase: 'deploiement' })).status).toBe(403)
    await createBoard(s, lab.id, lab.tokens.facilitator, 'Suivant')
    await events.next('board', (e) => e.board.title === 'Suivant')
    expect(events.events.filter((e) => e.type === 'lab').map((e) => (e as Extract<LabEvent, { type: 'lab' }>).lab.phase)).toEqual(['emergence', 'emergence'])
  })

  it('shows who is on each board now: a stock client joining, renaming itself and leaving', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const events = await listen(s.url, lab.id, lab.tokens.viewer)
    const { identity, credential } = await issueIdentity(s.url, lab.id, lab.tokens.participant, 'Nadia')
    const nadia = connect(s.wsUrl, board.id, lab.tokens.participant, undefined, { identity: credential })
    onCleanup(() => nadia.provider.destroy())
    await waitSynced(nadia.provider)
    const joined = await events.next('presence', (e) => e.people.length === 1)
    expect(joined).toEqual({ type: 'presence', boardId: board.id, people: [{ identityId: identity.id, name: 'Nadia', color: identity.color, role: 'participant', connections: 1 }] })

    // A page opened now sees her in its snapshot.
    const late = await listen(s.url, lab.id, lab.tokens.facilitator)
    expect((await late.next('snapshot')).presence).toEqual({ [board.id]: joined.people })

    // A rename shows too.
    const channel = commandChannel(nadia.provider)
    await hello(channel)
    await channel.ok({ type: 'identity.update', name: 'Nadia B.' })
    await events.next('presence', (e) => e.people[0]?.name === 'Nadia B.')

    // An anonymous stock client (no identity) is someone too, without a name.
    const anonymous = client(s, board.id, lab.tokens.viewer)
    await waitSynced(anonymous.provider)
    const both = await events.next('presence', (e) => e.people.length === 2)
    expect(both.people.map((p) => [p.name, p.role])).toEqual([['Nadia B.', 'participant'], ['', 'viewer']])

    nadia.provider.destroy()
    anonymous.provider.destroy()
    const gone = await events.next('presence', (e) => e.people.length === 0)
    expect(gone.boardId).toBe(board.id)
    await late.next('presence', (e) => e.people.length === 0)
  })

  it('gives facilitators the invitation links, and nobody else anything secret', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const facilitator = await listen(s.url, lab.id, lab.tokens.facilitator)
    const participant = await listen(s.url, lab.id, lab.tokens.participant)
    const viewer = await listen(s.url, lab.id, lab.tokens.viewer)
    expect((await facilitator.next('snapshot')).invitations).toEqual({ participant: lab.tokens.participant, viewer: lab.tokens.viewer })
    expect(await participant.next('snapshot')).not.toHaveProperty('invitations')
    expect(await viewer.next('snapshot')).not.toHaveProperty('invitations')

    // The viewer link is replaced: facilitators get the new links; the participant's stream goes on, told nothing of it.
    const rotated = await api<RotatedToken>(s.url, 'POST', `/api/labs/${lab.id}/tokens/viewer/rotate`, {}, lab.tokens.facilitator)
    expect((await facilitator.next('invitations')).invitations).toEqual({ participant: lab.tokens.participant, viewer: rotated.body.token })
    await patchLab(s, lab.id, lab.tokens.facilitator, { title: 'Après' })
    await participant.next('lab', (e) => e.lab.title === 'Après')
    expect(participant.events.map((e) => e.type)).toEqual(['snapshot', 'lab'])
    for (const secret of [lab.tokens.facilitator, lab.tokens.viewer, rotated.body.token]) expect(participant.text()).not.toContain(secret)
    expect(participant.text()).not.toContain('invitations')
    expect(viewer.text()).not.toContain('invitations')
    expect(facilitator.text()).not.toContain(lab.tokens.facilitator)
  })

  it('a replaced secret ends the streams opened with it (told "revoked") and is refused after; the other roles go on', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const participant = await listen(s.url, lab.id, lab.tokens.participant)
    const participant2 = await listen(s.url, lab.id, lab.tokens.participant)
    const viewer = await listen(s.url, lab.id, lab.tokens.viewer)
    const rotated = await api<RotatedToken>(s.url, 'POST', `/api/labs/${lab.id}/tokens/participant/rotate`, {}, lab.tokens.facilitator)
    expect(rotated.status).toBe(201)
    for (const stream of [participant, participant2]) {
      await stream.next('revoked')
      await waitFor(() => stream.ended(), 'the stream to end')
      expect(stream.events.at(-1)!.type).toBe('revoked')
    }
    expect(await openEvents(s.url, lab.id, lab.tokens.participant)).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    await patchLab(s, lab.id, lab.tokens.facilitator, { title: 'Toujours là' })
    await viewer.next('lab', (e) => e.lab.title === 'Toujours là')
    expect(viewer.ended()).toBe(false)
    expect(viewer.events.some((e) => e.type === 'revoked')).toBe(false)
    // The new secret opens it.
    expect((await (await listen(s.url, lab.id, rotated.body.token)).next('snapshot')).role).toBe('participant')

    // Replacing the facilitator's own secret ends facilitator streams too.
    const facilitator = await listen(s.url, lab.id, lab.tokens.facilitator)
    const mine = await api<RotatedToken>(s.url, 'POST', `/api/labs/${lab.id}/tokens/facilitator/rotate`, {}, lab.tokens.facilitator)
    await facilitator.next('revoked')
    await waitFor(() => facilitator.ended(), 'the facilitator stream to end')
    expect((await listen(s.url, lab.id, mine.body.token)).events[0]).toMatchObject({ type: 'snapshot', role: 'facilitator' })
  })

  it('refuses what is not a lab member’s request, with {error, code} and nothing streamed', async () => {
    const s = await server()
    const { lab } = await createLabAndBoard(s.url)
    const other = await createLabAndBoard(s.url)
    const cases: [string, string | undefined, Record<string, string>, number, string][] = [
      ['no secret', undefined, {}, 401, 'token.missing'],
      ['a garbage secret', 'x'.repeat(43), {}, 403, 'token.wrongLab'],
      ['another lab’s secret', other.lab.tokens.facilitator, {}, 403, 'token.wrongLab'],
      ['a malformed header', undefined, { authorization: 'Basic abc' }, 401, 'token.missing'],
    ]
    for (const [what, token, headers, status, code] of cases) {
      const res = await openEvents(s.url, lab.id, token, headers)
      expect({ what, status: res.status, code: res.body?.code, hasError: typeof res.body?.error === 'string' }).toEqual({ what, status, code, hasError: true })
      expect(res.headers.get('content-type')).toContain('application/json')
    }
    // The secret in the URL is not read (it would be logged by proxies): still missing.
    const inUrl = await fetch(`${s.url}/api/labs/${lab.id}/events?token=${lab.tokens.facilitator}`)
    expect([inUrl.status, (await inUrl.json()).code]).toEqual([401, 'token.missing'])
    expect(await openEvents(s.url, 'nolabhere000', lab.tokens.facilitator)).toMatchObject({ status: 404, body: { code: 'lab.notFound' } })
    expect(await openEvents(s.url, '..%2F..%2Fetc', lab.tokens.facilitator)).toMatchObject({ status: 404, body: { code: 'lab.notFound' } })
    expect(await openEvents(s.url, '%E0%A4%A', lab.tokens.facilitator)).toMatchObject({ status: 400, body: { code: 'input.invalid' } })
    const post = await api(s.url, 'POST', `/api/labs/${lab.id}/events`, {}, lab.tokens.facilitator)
    expect([post.status, post.body.code]).toEqual([405, 'method.notAllowed'])
  })

  it('bounds the streams per address and per lab (429 events.tooMany with Retry-After); a closed page frees its place', async () => {
    const s = await serverWith({ perAddress: 3, perLab: 2 })
    const a = await createLabAndBoard(s.url)
    const b = await createLabAndBoard(s.url)
    const first = await listen(s.url, a.lab.id, a.lab.tokens.viewer)
    await listen(s.url, a.lab.id, a.lab.tokens.viewer)
    const fullLab = await openEvents(s.url, a.lab.id, a.lab.tokens.facilitator)
    expect(fullLab.status).toBe(429)
    expect(fullLab.body.code).toBe('events.tooMany')
    expect(fullLab.body.error).toContain('on this lab')
    expect(Number(fullLab.headers.get('retry-after'))).toBeGreaterThan(0)
    await listen(s.url, b.lab.id, b.lab.tokens.viewer)
    const fullAddress = await openEvents(s.url, b.lab.id, b.lab.tokens.viewer)
    expect([fullAddress.status, fullAddress.body.code]).toEqual([429, 'events.tooMany'])
    expect(fullAddress.body.error).toContain('from this address')
    const labPages = async () => (await api(s.url, 'GET', '/healthz')).body.labPages
    expect(await labPages()).toBe(3)

    first.close()
    await waitFor(async () => (await labPages()) === 2, 'the closed page to be forgotten')
    expect((await listen(s.url, a.lab.id, a.lab.tokens.facilitator)).events[0]!.type).toBe('snapshot')
  })

  it('sends heartbeats as comments, at the period its snapshot announces', async () => {
    const s = await serverWith({ heartbeatMs: 40 })
    const { lab } = await createLabAndBoard(s.url)
    const events = await listen(s.url, lab.id, lab.tokens.viewer)
    expect((await events.next('snapshot')).heartbeatMs).toBe(40)
    await waitFor(() => events.heartbeats() >= 2, 'two heartbeats')
    expect(events.text()).toContain('\n\n: ping\n\n')
    expect(events.events.map((e) => e.type)).toEqual(['snapshot'])
  })

  it('ends every stream when the server stops', async () => {
    const s = await serverWith({})
    const { lab } = await createLabAndBoard(s.url)
    const events = await listen(s.url, lab.id, lab.tokens.viewer)
    await s.stop()
    await waitFor(() => events.ended(), 'the stream to end')
  })
})
