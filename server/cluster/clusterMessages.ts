import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/**
 * What instances publish on a board's channel:
 * - `update`: a document update this instance stored under `seq` (already judged by the
 *   board's rules: the others apply it as it is);
 * - `awareness`: presence from this instance's clients (an awareness update, as relayed).
 */
export type ClusterMessage =
  | { kind: 'update'; from: string; seq: number; update: Uint8Array }
  | { kind: 'awareness'; from: string; update: Uint8Array }

const KIND = { update: 0, awareness: 1 } as const

export function encodeClusterMessage(message: ClusterMessage): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, KIND[message.kind])
  encoding.writeVarString(encoder, message.from)
  if (message.kind === 'update') encoding.writeVarUint(encoder, message.seq)
  encoding.writeVarUint8Array(encoder, message.update)
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
  } else {
    throw new Error(`unknown cluster message kind ${kind}`)
  }
  if (decoding.hasContent(decoder)) throw new Error('cluster message has trailing bytes')
  return message
}
