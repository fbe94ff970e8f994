import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import type { RoomSocket } from '../../server/rooms/RoomSocket'
import { readAwarenessEntries, type AwarenessEntry } from '../../server/rooms/awarenessMessages'
import { MessageType, SyncMessageType } from '../../shared/protocol'
import { syncMessage } from '../../shared/wireMessages'

export { syncMessage }

/** A socket that keeps what the room sends it; `bufferedAmount` can be set by the test. */
export class MemorySocket implements RoomSocket {
  readonly sent: Uint8Array[] = []
  /** Calls to `send` or `sendAll`: the writes a network socket would make. */
  writes = 0
  bufferedAmount = 0
  closed: { code: number; reason: string } | null = null

  send(data: Uint8Array): void {
    this.sendAll([data])
  }

  sendAll(messages: readonly Uint8Array[]): void {
    if (this.closed) throw new Error('MemorySocket: send after close')
    this.writes++
    for (const message of messages) this.sent.push(message.slice())
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason }
  }

  terminate(): void {
    this.closed ??= { code: 1006, reason: 'terminated' }
  }

  /** Everything received so far, decoded; clears the inbox. */
  take(): DecodedMessage[] {
    return this.sent.splice(0).map(decodeMessage)
  }
}

/** A server → client message, decoded for assertions. */
export type DecodedMessage =
  | { type: 'step1'; payload: Uint8Array }
  | { type: 'step2'; payload: Uint8Array }
  | { type: 'update'; payload: Uint8Array }
  | { type: 'awareness'; entries: AwarenessEntry[] }
  | { type: 'auth'; reason: string }
  | { type: 'queryAwareness' }

export function decodeMessage(data: Uint8Array): DecodedMessage {
  const decoder = decoding.createDecoder(data)
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.sync: {
      const sub = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      const name = sub === SyncMessageType.step1 ? 'step1' : sub === SyncMessageType.step2 ? 'step2' : sub === SyncMessageType.update ? 'update' : null
      if (!name) throw new Error(`unknown sync sub-type ${sub}`)
      return { type: name, payload }
    }
    case MessageType.awareness:
      return { type: 'awareness', entries: readAwarenessEntries(decoding.readVarUint8Array(decoder)) }
    case MessageType.auth:
      decoding.readVarUint(decoder)
      return { type: 'auth', reason: decoding.readVarString(decoder) }
    case MessageType.queryAwareness:
      return { type: 'queryAwareness' }
    default:
      throw new Error(`unknown message type ${type}`)
  }
}

export const step1Message = (doc: Y.Doc) => syncMessage(SyncMessageType.step1, Y.encodeStateVector(doc))
export const step2Message = (update: Uint8Array) => syncMessage(SyncMessageType.step2, update)
export const updateMessage = (update: Uint8Array) => syncMessage(SyncMessageType.update, update)

/** An awareness message as a client would send it. */
export function awarenessMessage(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(update, e.clientId)
    encoding.writeVarUint(update, e.clock)
    encoding.writeVarString(update, JSON.stringify(e.state))
  }
  const message = encoding.createEncoder()
  encoding.writeVarUint(message, MessageType.awareness)
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update))
  return encoding.toUint8Array(message)
}

export const queryAwarenessMessage = () => new Uint8Array([MessageType.queryAwareness])

/** Applies the document content of decoded messages (step 2 and updates) to `doc`. */
export function applySyncMessages(doc: Y.Doc, messages: DecodedMessage[]): void {
  for (const m of messages) if (m.type === 'step2' || m.type === 'update') Y.applyUpdate(doc, m.payload)
}

/** Runs `n` event-loop turns (setImmediate), enough for any queued flush to start. */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

/** Waits, turn by turn, until `predicate` holds (fails after `max` turns). */
export async function untilTurn(predicate: () => boolean, what: string, max = 1000): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (predicate()) return
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  throw new Error(`never happened: ${what}`)
}
