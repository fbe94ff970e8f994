import WebSocket from 'ws'
import type { RoomSocket } from '../rooms/RoomSocket'

/** Adapts a `ws` socket to the {@link RoomSocket} interface rooms depend on. */
export class WsRoomSocket implements RoomSocket {
  constructor(private readonly ws: WebSocket) {}

  send(data: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: true })
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  close(code: number, reason: string): void {
    // A close reason is limited to 123 bytes by the protocol.
    this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString())
  }
}
