import type { Socket } from 'node:net'
import WebSocket from 'ws'
import type { RoomSocket } from '../rooms/RoomSocket'

/** The parts of `ws` internals the fast path relies on; checked at every send. */
interface WsInternals {
  _socket?: Socket
  _sender?: { _state?: unknown; _queue?: unknown[] }
}

const SEND_OPTIONS = { binary: true } as const

/** A complete unmasked, unfragmented binary WebSocket frame (server → client) for `data`. */
export function binaryFrame(data: Uint8Array): Buffer {
  const length = data.byteLength
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + length)
  frame[0] = 0x82 // FIN + binary opcode
  if (length < 126) {
    frame[1] = length
  } else if (length < 65536) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
    frame.writeUInt32BE(length >>> 0, 6)
  }
  frame.set(data, headerLength)
  return frame
}

/**
 * Adapts a `ws` socket to the {@link RoomSocket} interface rooms depend on.
 *
 * A room broadcasts one message object to every connection: it is framed once (frames are
 * shared through `frames`, keyed by the message) and written to each TCP socket as is, instead
 * of `ws` framing and writing it anew for each recipient — that was the largest cost of the
 * server under load. When `ws` is busy with something of its own (a queued frame), the socket
 * falls back to `ws.send`, so frames never interleave.
 */
export class WsRoomSocket implements RoomSocket {
  constructor(
    private readonly ws: WebSocket,
    private readonly frames: WeakMap<Uint8Array, Buffer>,
  ) {}

  send(data: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return
    const { _socket: socket, _sender: sender } = this.ws as unknown as WsInternals
    if (!socket || !sender || sender._state !== 0 || !Array.isArray(sender._queue) || sender._queue.length > 0) {
      this.ws.send(data, SEND_OPTIONS)
      return
    }
    let frame = this.frames.get(data)
    if (!frame) {
      frame = binaryFrame(data)
      this.frames.set(data, frame)
    }
    socket.write(frame)
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  terminate(): void {
    this.ws.terminate()
  }

  close(code: number, reason: string): void {
    // A close reason is limited to 123 bytes by the protocol.
    this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString())
  }
}
