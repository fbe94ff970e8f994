import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from '../../shared/protocol'

/** One client's entry in an awareness update. `state` is the raw JSON text ("null" = gone). */
export interface AwarenessEntry {
  clientId: number
  clock: number
  state: string
}

/**
 * Reads the entries of an awareness update without parsing their JSON: the server only needs
 * ids and clocks to track who is present; the states are relayed as they came.
 */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  if (count > 10_000) throw new Error(`awareness update announces ${count} clients`)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const state = decoding.readVarString(decoder)
    entries.push({ clientId, clock, state })
  }
  if (decoding.hasContent(decoder)) throw new Error('awareness update has trailing bytes')
  return entries
}

/** A complete `awareness` message carrying `entries`. */
export function encodeAwarenessMessage(entries: Iterable<AwarenessEntry>): Uint8Array {
  const update = encoding.createEncoder()
  const list = [...entries]
  encoding.writeVarUint(update, list.length)
  for (const e of list) {
    encoding.writeVarUint(update, e.clientId)
    encoding.writeVarUint(update, e.clock)
    encoding.writeVarString(update, e.state)
  }
  const message = encoding.createEncoder()
  encoding.writeVarUint(message, MessageType.awareness)
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update))
  return encoding.toUint8Array(message)
}

/** An `awareness` message wrapping an awareness update as received (relayed without re-encoding). */
export function wrapAwarenessUpdate(update: Uint8Array): Uint8Array {
  const message = encoding.createEncoder()
  encoding.writeVarUint(message, MessageType.awareness)
  encoding.writeVarUint8Array(message, update)
  return encoding.toUint8Array(message)
}

/** The awareness update inside an `awareness` message; throws when it is not one. */
export function unwrapAwarenessMessage(message: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(message)
  if (decoding.readVarUint(decoder) !== MessageType.awareness) throw new Error('not an awareness message')
  const update = decoding.readVarUint8Array(decoder)
  if (decoding.hasContent(decoder)) throw new Error('awareness message has trailing bytes')
  return update
}
