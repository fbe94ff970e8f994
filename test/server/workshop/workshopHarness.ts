import { expect } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap, getSessionMap } from '../../../shared/boardDoc'
import type { ClientCommand, ServerEvent } from '../../../shared/commands'
import { commandChannel, hello, issueIdentity, type CommandChannel } from '../../support/commands'
import { connect, waitFor, waitSynced } from '../../support/providers'
import { useTestResources } from '../../support/testResources'
import { createLabAndBoard, type TestServer } from '../../support/testServer'

/** A stock y-websocket client with Fabrique's command channel. */
export type Client = ReturnType<typeof connect> & { commands: CommandChannel }

/**
 * A client that keeps everything it is sent: every message as raw bytes (sync, awareness,
 * commands), and every state its document went through. Secrets are looked for in both.
 */
export type RawClient = Client & {
  raw: Uint8Array[]
  /** The board's records and session after each transaction, as JSON text. */
  states: string[]
  /** Whether `needle` (UTF-8) is in any message received so far, or in any state the document held. */
  saw(needle: string): boolean
}

/** Events of one type a client received. */
export function eventsOf<T extends ServerEvent['type']>(client: Client, type: T): Extract<ServerEvent, { type: T }>[] {
  return client.commands.events.filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type)
}

/** The board's session as JSON (what the server wrote for the workshop). */
export const sessionOf = (doc: Y.Doc): Record<string, unknown> => getSessionMap(doc).toJSON()

/**
 * Test resources plus a workshop on one board: a facilitator (Fatou), two participants (Alice,
 * Bob) and a viewer (Vera), each with an identity, synced and having said hello.
 */
export function useWorkshop() {
  const t = useTestResources()

  function client(s: TestServer, boardId: string, token: string, credential?: string): Client {
    const c = connect(s.wsUrl, boardId, token, new Y.Doc(), { identity: credential })
    t.onCleanup(() => c.provider.destroy())
    return { ...c, commands: commandChannel(c.provider) }
  }

  function rawClient(s: TestServer, boardId: string, token: string, credential?: string): RawClient {
    const c = client(s, boardId, token, credential)
    const raw: Uint8Array[] = []
    // The provider opens its socket in its constructor: listening now catches the first message.
    c.provider.ws!.addEventListener('message', (event: MessageEvent) => raw.push(new Uint8Array(event.data as ArrayBuffer)))
    const states: string[] = []
    c.doc.on('afterTransaction', () => states.push(JSON.stringify({ records: getRecordsMap(c.doc).toJSON(), session: getSessionMap(c.doc).toJSON() })))
    return {
      ...c,
      raw,
      states,
      saw(needle) {
        const bytes = Buffer.from(needle, 'utf8')
        return raw.some((m) => Buffer.from(m).includes(bytes)) || states.some((state) => state.includes(JSON.stringify(needle).slice(1, -1)))
      },
    }
  }

  async function setup(s: TestServer) {
    const { lab, board } = await createLabAndBoard(s.url)
    const [fac, alice, bob, vera] = await Promise.all([
      issueIdentity(s.url, lab.id, lab.tokens.facilitator, 'Fatou'),
      issueIdentity(s.url, lab.id, lab.tokens.participant, 'Alice'),
      issueIdentity(s.url, lab.id, lab.tokens.participant, 'Bob'),
      issueIdentity(s.url, lab.id, lab.tokens.viewer, 'Vera'),
    ])
    const facilitator = client(s, board.id, lab.tokens.facilitator, fac.credential)
    const participant = client(s, board.id, lab.tokens.participant, alice.credential)
    const other = client(s, board.id, lab.tokens.participant, bob.credential)
    const viewer = client(s, board.id, lab.tokens.viewer, vera.credential)
    const everyone = [facilitator, participant, other, viewer]
    await Promise.all(everyone.map((c) => waitSynced(c.provider)))
    await Promise.all(everyone.map((c) => hello(c.commands)))
    const room = await s.server.rooms.getRoom(board.id)
    return { lab, board, room, identities: { fac, alice, bob, vera }, facilitator, participant, other, viewer, everyone }
  }

  /**
   * Sends `command` as a participant and as a viewer: both are refused (`forbidden`) and
   * nothing changes, in the document nor in what the server keeps out of it.
   */
  async function expectFacilitatorOnly(s: TestServer, w: Awaited<ReturnType<typeof setup>>, command: ClientCommand): Promise<void> {
    const before = { session: sessionOf(w.room.doc), records: getRecordsMap(w.room.doc).toJSON(), secrets: await s.server.storage.listBoardSecrets(w.board.id, '') }
    const told = (c: Client) => c.commands.events.filter((e) => !['result', 'error', 'people', 'clock'].includes(e.type)).length
    const eventsBefore = w.everyone.map(told)
    for (const sender of [w.participant, w.viewer]) {
      const answer = await sender.commands.send(command)
      expect(answer, `${command.type} from a ${sender === w.viewer ? 'viewer' : 'participant'}`).toMatchObject({ type: 'error', code: 'forbidden' })
    }
    await w.room.settle()
    // A round trip on every connection: anything the server sent them before is in by now.
    await Promise.all(w.everyone.map((c) => c.commands.ok({ type: 'clock', sentAt: 0 })))
    expect(sessionOf(w.room.doc)).toEqual(before.session)
    expect(getRecordsMap(w.room.doc).toJSON()).toEqual(before.records)
    expect(await s.server.storage.listBoardSecrets(w.board.id, '')).toEqual(before.secrets)
    // Nobody was sent anything either (a bring, a reaction…).
    expect(w.everyone.map(told)).toEqual(eventsBefore)
  }

  return { ...t, client, rawClient, setup, expectFacilitatorOnly }
}

export type Workshop = Awaited<ReturnType<ReturnType<typeof useWorkshop>['setup']>>

/** Waits until `client`'s copy of the session satisfies `predicate`. */
export function waitSession(client: Client, predicate: (session: Record<string, any>) => boolean, what: string): Promise<void> {
  return waitFor(() => predicate(sessionOf(client.doc)), what)
}
