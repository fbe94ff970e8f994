import type { WebsocketProvider } from 'y-websocket'
import { COMMAND_PROTOCOL, type ClientCommand, type ServerEvent } from '../../shared/commands'
import { identityCredential, type IssuedIdentity } from '../../shared/identity'
import { MessageType } from '../../shared/protocol'
import { commandMessage, readCommandBody } from '../../shared/wireMessages'
import { waitFor } from './providers'
import { api } from './testServer'

/** Fabrique's command channel on a stock provider: send commands, collect events. */
export interface CommandChannel {
  readonly events: ServerEvent[]
  /** Sends a command; resolves with its `result` or `error` event. */
  send(command: ClientCommand): Promise<Extract<ServerEvent, { type: 'result' | 'error' }>>
  /** Sends a command and fails unless it succeeded. */
  ok(command: ClientCommand): Promise<void>
  /** Sends raw bytes on the socket (for malformed commands). */
  sendRaw(bytes: Uint8Array): void
}

let nextId = 1

export function commandChannel(provider: WebsocketProvider): CommandChannel {
  const events: ServerEvent[] = []
  provider.messageHandlers[MessageType.command] = (_encoder, decoder) => {
    events.push(readCommandBody(decoder) as ServerEvent)
  }
  const send: CommandChannel['send'] = async (command) => {
    const id = nextId++
    await waitFor(() => provider.wsconnected, 'the socket to be open')
    provider.ws!.send(commandMessage({ ...command, id }))
    let answer: Extract<ServerEvent, { type: 'result' | 'error' }> | undefined
    await waitFor(() => {
      answer = events.find((e): e is Extract<ServerEvent, { type: 'result' | 'error' }> => (e.type === 'result' || e.type === 'error') && e.id === id)
      return answer !== undefined
    }, `the answer to ${command.type}`)
    return answer!
  }
  return {
    events,
    send,
    async ok(command) {
      const answer = await send(command)
      if (answer.type === 'error') throw new Error(`${command.type} failed: ${answer.code} ${answer.message}`)
    },
    sendRaw(bytes) {
      provider.ws!.send(bytes)
    },
  }
}

/** Says hello, so the server sends this connection its events. */
export async function hello(channel: CommandChannel): Promise<void> {
  await channel.ok({ type: 'hello', protocol: COMMAND_PROTOCOL })
}

/** A new identity in a lab, issued by the server (as a browser gets on first visit). */
export async function issueIdentity(base: string, labId: string, token: string, name: string): Promise<{ identity: IssuedIdentity; credential: string }> {
  const res = await api<IssuedIdentity>(base, 'POST', `/api/labs/${labId}/identities`, { name }, token)
  if (res.status !== 201) throw new Error(`issue identity: ${res.status} ${JSON.stringify(res.body)}`)
  return { identity: res.body, credential: identityCredential(res.body) }
}
