import { hocuspocusProtocol } from './hocuspocus'
import type { ClientProtocol, ProtocolKind } from './WireProtocol'
import { yWebsocketProtocol } from './yWebsocket'

/** The protocol a client speaks to one document. */
export function createProtocol(kind: ProtocolKind, documentName: string, token: string): ClientProtocol {
  return kind === 'hocuspocus' ? hocuspocusProtocol(documentName, token) : yWebsocketProtocol()
}
