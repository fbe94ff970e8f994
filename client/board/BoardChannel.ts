import type { WebsocketProvider } from 'y-websocket'
import { COMMAND_PROTOCOL, type ClientCommand, type ServerEvent } from '../../shared/commands'
import { MessageType } from '../../shared/protocol'
import { commandMessage, readCommandBody } from '../../shared/wireMessages'

type Answer = Extract<ServerEvent, { type: 'result' | 'error' }>

/**
 * Fabrique's command channel beside the sync protocol, on the provider's socket: says hello
 * on every (re)connection, sends commands and resolves each with the server's answer, and
 * hands the server's events to `onEvent`.
 */
export class BoardChannel {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void }>()

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly onEvent: (event: ServerEvent) => void,
  ) {
    provider.messageHandlers[MessageType.command] = (_encoder, decoder) => {
      let event: ServerEvent
      try {
        event = readCommandBody(decoder) as ServerEvent
      } catch {
        return
      }
      if ((event.type === 'result' || event.type === 'error') && event.id !== null) {
        this.pending.get(event.id)?.resolve(event)
        this.pending.delete(event.id)
      }
      this.onEvent(event)
    }
    provider.on('status', this.onStatus)
    if (provider.wsconnected) this.sayHello()
  }

  private readonly onStatus = ({ status }: { status: string }) => {
    if (status === 'connected') this.sayHello()
    // Answers to commands sent on a socket that closed will never come.
    else {
      for (const [id, { resolve }] of this.pending) resolve({ type: 'error', id, code: 'failed', message: 'disconnected' })
      this.pending.clear()
    }
  }

  private sayHello(): void {
    void this.send({ type: 'hello', protocol: COMMAND_PROTOCOL })
  }

  /** Sends a command; resolves with its `result`, or an `error` (also when offline). */
  send(command: ClientCommand): Promise<Answer> {
    const ws = this.provider.ws
    const id = this.nextId++
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve({ type: 'error', id, code: 'failed', message: 'offline' })
    return new Promise((resolve) => {
      this.pending.set(id, { resolve })
      ws.send(commandMessage({ ...command, id }))
    })
  }

  destroy(): void {
    this.provider.off('status', this.onStatus)
    this.pending.clear()
  }
}
