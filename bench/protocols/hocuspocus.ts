import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { ClientProtocol, Incoming } from './WireProtocol'
import { readSync } from './yMessages'

/**
 * Hocuspocus 3.x framing (see @hocuspocus/server src/types.ts, OutgoingMessage.ts and
 * ClientConnection.ts): every message, both ways, starts with the document name as a
 * varString, then a varUint message type. The first message of a document must be
 * Auth/Token; the server queues everything else until `onAuthenticate` passed, answers
 * Auth/Authenticated, then replays the queue.
 */

/** Message types of @hocuspocus/server 3.x (`MessageType` in src/types.ts). */
export const HocuspocusMessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** Like sync, but a step 1 in it does not trigger the server's own step 1. */
  syncReply: 4,
  stateless: 5,
  broadcastStateless: 6,
  close: 7,
  /** Sent after every step 2 / update the server applied: 1 = saved. */
  syncStatus: 8,
} as const

/** Sub-types of an auth message (`AuthMessageType` in @hocuspocus/common). */
export const HocuspocusAuthType = {
  token: 0,
  permissionDenied: 1,
  authenticated: 2,
} as const

export function hocuspocusProtocol(documentName: string, token: string): ClientProtocol {
  const prefix = (() => {
    const e = encoding.createEncoder()
    encoding.writeVarString(e, documentName)
    return encoding.toUint8Array(e)
  })()

  const frame = (body: Uint8Array): Uint8Array => {
    const out = new Uint8Array(prefix.length + body.length)
    out.set(prefix, 0)
    out.set(body, prefix.length)
    return out
  }

  return {
    needsAuthentication: true,
    opening() {
      const e = encoding.createEncoder()
      encoding.writeVarString(e, documentName)
      encoding.writeVarUint(e, HocuspocusMessageType.auth)
      encoding.writeVarUint(e, HocuspocusAuthType.token)
      encoding.writeVarString(e, token)
      return [encoding.toUint8Array(e)]
    },
    frame,
    parse(data: Buffer): Incoming {
      const decoder = decoding.createDecoder(data)
      // Skip the document name without decoding it: one client, one document.
      const nameLength = decoding.readVarUint(decoder)
      decoder.pos += nameLength
      const type = decoding.readVarUint(decoder)
      switch (type) {
        case HocuspocusMessageType.sync:
        case HocuspocusMessageType.syncReply:
          return readSync(decoder)
        case HocuspocusMessageType.awareness:
          return { kind: 'awareness' }
        case HocuspocusMessageType.auth: {
          const sub = decoding.readVarUint(decoder)
          if (sub === HocuspocusAuthType.authenticated) return { kind: 'authenticated', scope: decoding.readVarString(decoder) }
          if (sub === HocuspocusAuthType.permissionDenied) return { kind: 'denied', reason: decoding.readVarString(decoder) }
          return { kind: 'other', type }
        }
        case HocuspocusMessageType.close:
          return { kind: 'closed', reason: decoding.hasContent(decoder) ? decoding.readVarString(decoder) : '' }
        default:
          return { kind: 'other', type }
      }
    },
  }
}
