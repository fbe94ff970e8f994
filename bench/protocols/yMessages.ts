import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType, SyncMessageType } from '../../shared/protocol'
import type { Incoming } from './WireProtocol'

/**
 * The y-protocols messages a benchmark client sends, unframed (message type first), and the
 * reading of the part every protocol shares.
 */

function message(build: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  build(e)
  return encoding.toUint8Array(e)
}

export function syncStep1(stateVector: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncMessageType.step1)
    encoding.writeVarUint8Array(e, stateVector)
  })
}

export function syncStep2(update: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncMessageType.step2)
    encoding.writeVarUint8Array(e, update)
  })
}

export function syncUpdate(update: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncMessageType.update)
    encoding.writeVarUint8Array(e, update)
  })
}

/** An awareness message announcing one client's state, as y-protocols/awareness encodes it. */
export function awarenessMessage(clientId: number, clock: number, stateJson: string): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MessageType.awareness)
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, 1)
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, stateJson)
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  })
}

/** State vector of an empty document: no clients. */
export const EMPTY_STATE_VECTOR = new Uint8Array([0])
/** What an empty document has that a peer lacks: no structs, empty delete set. */
export const EMPTY_UPDATE = new Uint8Array([0, 0])

/** Reads a sync message body (after its message type) into its sub-type and payload range. */
export function readSync(decoder: decoding.Decoder): Incoming {
  const sub = decoding.readVarUint(decoder)
  const length = decoding.readVarUint(decoder)
  const payloadStart = decoder.pos
  const payloadEnd = payloadStart + length
  if (payloadEnd > decoder.arr.length) throw new Error('truncated sync message')
  return { kind: 'sync', sub, payloadStart, payloadEnd }
}
