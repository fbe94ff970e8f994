import * as decoding from 'lib0/decoding'
import { AuthMessageType, MessageType } from '../../shared/protocol'
import type { ClientProtocol, Incoming } from './WireProtocol'
import { readSync } from './yMessages'

/**
 * The y-websocket protocol (Fabrique and the y-websocket reference server): each WebSocket
 * message is one y-protocols message, the document is named by the URL, nothing precedes
 * sync step 1.
 */
export function yWebsocketProtocol(): ClientProtocol {
  return {
    needsAuthentication: false,
    opening: () => [],
    frame: (body) => body,
    parse(data: Buffer): Incoming {
      const decoder = decoding.createDecoder(data)
      const type = decoding.readVarUint(decoder)
      switch (type) {
        case MessageType.sync:
          return readSync(decoder)
        case MessageType.awareness:
          return { kind: 'awareness' }
        case MessageType.auth: {
          const sub = decoding.readVarUint(decoder)
          if (sub === AuthMessageType.permissionDenied) return { kind: 'denied', reason: decoding.readVarString(decoder) }
          return { kind: 'other', type }
        }
        default:
          return { kind: 'other', type }
      }
    },
  }
}
