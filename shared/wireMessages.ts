import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { AuthMessageType, MessageType } from './protocol'

/**
 * Encoders of the messages both sides send, in one place: y-websocket's sync messages and
 * Fabrique's command messages (awareness has its own module on the server, which reads it).
 */

/** A `sync` message of sub-type `type` (step 1, step 2 or update) carrying `payload`. */
export function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, type)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** An `auth` message (y-protocols/auth) saying permission denied, with `reason`. */
export function permissionDeniedMessage(reason: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.auth)
  encoding.writeVarUint(encoder, AuthMessageType.permissionDenied)
  encoding.writeVarString(encoder, reason)
  return encoding.toUint8Array(encoder)
}

/** A `command` message carrying `body` as JSON (a command or an event). */
export function commandMessage(body: unknown): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.command)
  encoding.writeVarString(encoder, JSON.stringify(body))
  return encoding.toUint8Array(encoder)
}

/**
 * Reads the JSON body of a `command` message whose type was already read from `decoder`.
 * Throws when it is not text or not JSON.
 */
export function readCommandBody(decoder: decoding.Decoder): unknown {
  return JSON.parse(decoding.readVarString(decoder))
}
