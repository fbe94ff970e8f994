/**
 * How a benchmark client frames y-protocols messages for one server, and how it reads what the
 * server sends. Fabrique and the y-websocket server speak plain y-websocket; Hocuspocus wraps
 * every message with the document name and adds its own message types.
 */

export type ProtocolKind = 'y-websocket' | 'hocuspocus'

/** An incoming message, classified. Offsets index the received buffer. */
export type Incoming =
  /** A y-protocols sync message: `sub` is 0 (step 1), 1 (step 2) or 2 (update). */
  | { kind: 'sync'; sub: number; payloadStart: number; payloadEnd: number }
  | { kind: 'awareness' }
  /** The server accepted the client's credentials (Hocuspocus). */
  | { kind: 'authenticated'; scope: string }
  /** Permission denied: Fabrique uses it to announce read-only, Hocuspocus to refuse. */
  | { kind: 'denied'; reason: string }
  /** The server closes the document for this client (Hocuspocus CLOSE). */
  | { kind: 'closed'; reason: string }
  /** Anything else the client may ignore (Hocuspocus SyncStatus, query-awareness…). */
  | { kind: 'other'; type: number }

/** One client's view of a protocol: bound to one document and one token. */
export interface ClientProtocol {
  /** Whether the client is synced only after an explicit authentication answer. */
  readonly needsAuthentication: boolean
  /** Messages the client sends as soon as the socket is open, before its sync step 1. */
  opening(): Uint8Array[]
  /** Frames one y-protocols message (message type onwards) for the wire. */
  frame(body: Uint8Array): Uint8Array
  /** Reads the header of a received message. Throws on a malformed one. */
  parse(data: Buffer): Incoming
}
