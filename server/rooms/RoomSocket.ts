/**
 * The little a room needs from a socket. `ws` sockets are adapted to it in
 * `server/sync/WsRoomSocket.ts`; tests can pass their own.
 */
export interface RoomSocket {
  send(data: Uint8Array): void
  /**
   * Sends several messages, in order, as if by `send` each: a socket may write them to the
   * network at once (one system call instead of one per message).
   */
  sendAll(messages: readonly Uint8Array[]): void
  /** Bytes handed to `send` that have not reached the network yet. */
  readonly bufferedAmount: number
  close(code: number, reason: string): void
  /** Drops the connection at once, unsent data included (a client that does not read would never get a close frame). */
  terminate(): void
}
