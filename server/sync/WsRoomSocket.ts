import type { Socket } from 'node:net'
import WebSocket from 'ws'
import type { RoomSocket } from '../rooms/RoomSocket'

/** The parts of `ws` internals the fast path relies on; checked at every send. */
interface WsInternals {
  _socket?: Socket
  _sender?: { _state?: unknown; _queue?: unknown[] }
}

const SEND_OPTIONS = { binary: true } as const

/** Bytes of the header of an unmasked frame of `length` bytes. */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10
}

/** Writes the header of an unmasked, unfragmented binary frame (server → client) of `length` bytes at `at`. */
function writeHeader(frame: Buffer, at: number, length: number): number {
  frame[at] = 0x82 // FIN + binary opcode
  if (length < 126) {
    frame[at + 1] = length
    return at + 2
  }
  if (length < 65536) {
    frame[at + 1] = 126
    frame.writeUInt16BE(length, at + 2)
    return at + 4
  }
  frame[at + 1] = 127
  frame.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2)
  frame.writeUInt32BE(length >>> 0, at + 6)
  return at + 10
}

/** A complete unmasked, unfragmented binary WebSocket frame (server → client) for `data`. */
export function binaryFrame(data: Uint8Array): Buffer {
  return binaryFrames([data])
}

/** Complete frames for `messages`, one after the other in one buffer (written in one call). */
export function binaryFrames(messages: readonly Uint8Array[]): Buffer {
  let total = 0
  for (const m of messages) total += headerLength(m.byteLength) + m.byteLength
  const frames = Buffer.allocUnsafe(total)
  let at = 0
  for (const m of messages) {
    at = writeHeader(frames, at, m.byteLength)
    frames.set(m, at)
    at += m.byteLength
  }
  return frames
}

/**
 * Adapts a `ws` socket to the {@link RoomSocket} interface rooms depend on.
 *
 * A room broadcasts one message object to every connection: it is framed once (frames are
 * shared through `frames`, keyed by the message) and written to each TCP socket as is, instead
 * of `ws` framing and writing it anew for each recipient — that was the largest cost of the
 * server under load. Several messages for the same recipients (`sendAll`: a board's updates
 * stored in one flush) are framed one after the other in one buffer, and written in one call.
 * When `ws` is busy with something of its own (a queued frame), the socket
 * falls back to `ws.send`, so frames never interleave.
 */
export class WsRoomSocket implements RoomSocket {
  constructor(
    private readonly ws: WebSocket,
    /** Frames already built, per message (or list of messages) sent to several sockets. */
    private readonly frames: WeakMap<object, Buffer>,
  ) {}

  send(data: Uint8Array): void {
    this.write(data)
  }

  sendAll(messages: readonly Uint8Array[]): void {
    this.write(messages.length === 1 ? messages[0]! : messages)
  }

  /** Writes one message or several (framed once per message object or list, shared by all sockets). */
  private write(what: Uint8Array | readonly Uint8Array[]): void {
    if (this.ws.readyState !== WebSocket.OPEN) return
    const socket = this.rawSocket()
    if (!socket) {
      for (const message of Array.isArray(what) ? what : [what as Uint8Array]) this.ws.send(message, SEND_OPTIONS)
      return
    }
    let frame = this.frames.get(what)
    if (!frame) {
      frame = Array.isArray(what) ? binaryFrames(what) : binaryFrame(what as Uint8Array)
      this.frames.set(what, frame)
    }
    socket.write(frame)
  }

  /** The TCP socket, when frames can be written to it directly (`ws` has nothing of its own queued). */
  private rawSocket(): Socket | null {
    const { _socket: socket, _sender: sender } = this.ws as unknown as WsInternals
    if (!socket || !sender || sender._state !== 0 || !Array.isArray(sender._queue) || sender._queue.length > 0) return null
    return socket
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
