import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { ServerEvent } from '../../shared/commands'
import { ROLES, type Role } from '../../shared/roles'

/**
 * Whose connections an event or a close is for, wherever they are connected: everyone, or
 * those of one identity, and/or of some roles (see `Room.broadcastEvent`).
 */
export interface Audience {
  identityId?: string
  roles?: readonly Role[]
}

/**
 * What instances publish on a board's channel:
 * - `update`: a document update this instance stored under `seq` (already judged by the
 *   board's rules: the others apply it as it is);
 * - `awareness`: presence from this instance's clients (an awareness update, as relayed);
 * - `event`: one of Fabrique's events for the board's connections in `audience` (a ballot for
 *   its voter's other devices, a reaction, « bring everyone here »…);
 * - `close`: close the board's connections in `audience` (a person removed from the board).
 */
export type ClusterMessage =
  | { kind: 'update'; from: string; seq: number; update: Uint8Array }
  | { kind: 'awareness'; from: string; update: Uint8Array }
  | { kind: 'event'; from: string; audience: Audience; event: ServerEvent }
  | { kind: 'close'; from: string; audience: Audience; code: number; reason: string }

const KIND = { update: 0, awareness: 1, event: 2, close: 3 } as const

function writeAudience(encoder: encoding.Encoder, audience: Audience): void {
  encoding.writeVarString(encoder, audience.identityId ?? '')
  encoding.writeVarString(encoder, (audience.roles ?? []).join(','))
}

function readAudience(decoder: decoding.Decoder): Audience {
  const identityId = decoding.readVarString(decoder)
  const roles = decoding.readVarString(decoder)
  const list = roles ? roles.split(',') : []
  if (!list.every((r) => (ROLES as readonly string[]).includes(r))) throw new Error(`unknown role in ${JSON.stringify(roles)}`)
  return { ...(identityId && { identityId }), ...(list.length > 0 && { roles: list as Role[] }) }
}

export function encodeClusterMessage(message: ClusterMessage): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, KIND[message.kind])
  encoding.writeVarString(encoder, message.from)
  if (message.kind === 'event') {
    writeAudience(encoder, message.audience)
    encoding.writeVarString(encoder, JSON.stringify(message.event))
  } else if (message.kind === 'close') {
    writeAudience(encoder, message.audience)
    encoding.writeVarUint(encoder, message.code)
    encoding.writeVarString(encoder, message.reason)
  } else {
    if (message.kind === 'update') encoding.writeVarUint(encoder, message.seq)
    encoding.writeVarUint8Array(encoder, message.update)
  }
  return encoding.toUint8Array(encoder)
}

/** Reads a message; throws on bytes that are not one (they are logged and dropped). */
export function decodeClusterMessage(bytes: Uint8Array): ClusterMessage {
  const decoder = decoding.createDecoder(bytes)
  const kind = decoding.readVarUint(decoder)
  const from = decoding.readVarString(decoder)
  let message: ClusterMessage
  if (kind === KIND.update) {
    const seq = decoding.readVarUint(decoder)
    message = { kind: 'update', from, seq, update: decoding.readVarUint8Array(decoder) }
  } else if (kind === KIND.awareness) {
    message = { kind: 'awareness', from, update: decoding.readVarUint8Array(decoder) }
  } else if (kind === KIND.event) {
    const audience = readAudience(decoder)
    const event = JSON.parse(decoding.readVarString(decoder)) as ServerEvent
    if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') throw new Error('an event is a JSON object with a type')
    message = { kind: 'event', from, audience, event }
  } else if (kind === KIND.close) {
    const audience = readAudience(decoder)
    message = { kind: 'close', from, audience, code: decoding.readVarUint(decoder), reason: decoding.readVarString(decoder) }
  } else {
    throw new Error(`unknown cluster message kind ${kind}`)
  }
  if (decoding.hasContent(decoder)) throw new Error('cluster message has trailing bytes')
  return message
}
