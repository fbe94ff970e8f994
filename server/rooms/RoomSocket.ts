/**
 * The little a room needs from a socket. `ws` sockets are adapted to it in
 * `server/sync/WsRoomSocket.ts`; tests can pass their own.
 */
export interface RoomSocket {
  send(data: Uint8Array): void
  /** Bytes handed to `send` that have not reached the network yet. */
  readonly bufferedAmount: number
  close(code: number, reason: string): void
  /** Drops the connection at once, unsent data included (a client that does not read would never get a close frame). */
  terminate(): void
}
