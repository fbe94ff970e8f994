import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { MessageType, SyncMessageType } from '../../shared/protocol'
import { createLogger } from '../../server/logger'
import { MemoryStorage } from '../../server/persistence/MemoryStorage'
import { Room } from '../../server/rooms/Room'
import type { RoomSocket } from '../../server/rooms/RoomSocket'
import { syncUpdate } from '../protocols/yMessages'

/**
 * Checks the cause of a finding of the benchmark, now fixed: Fabrique relayed < 100 % of the
 * writes on a busy machine (`npx tsx bench/findings/coalescedWrites.ts`; with the fix, the
 * first line reports both values present).
 *
 * Before the fix:
 * Room.flush applies every update received within one event-loop turn inside ONE Yjs
 * transaction and relays the update that transaction produced. When one client's burst sets
 * the same Y.Map key twice, the first value is created and deleted within that transaction,
 * Yjs garbage-collects its content at the end of it, and the relayed update no longer holds
 * it: the other clients never see the intermediate value (the documents still converge).
 */

class CollectingSocket implements RoomSocket {
  readonly sent: Uint8Array[] = []
  bufferedAmount = 0
  send(data: Uint8Array): void {
    this.sent.push(data)
  }
  sendAll(messages: readonly Uint8Array[]): void {
    for (const message of messages) this.sent.push(message)
  }
  close(): void {}
  terminate(): void {}
}

/** The sync-update payloads among a socket's messages. */
function relayedUpdates(socket: CollectingSocket): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const m of socket.sent) {
    const d = decoding.createDecoder(m)
    if (decoding.readVarUint(d) !== MessageType.sync) continue
    if (decoding.readVarUint(d) !== SyncMessageType.update) continue
    out.push(decoding.readVarUint8Array(d))
  }
  return out
}

const room = await Room.load('repro', {
  storage: new MemoryStorage(),
  logger: createLogger('silent'),
  sendBufferLimitBytes: 1 << 30,
  compactAfterUpdates: 1000,
})
const writerSocket = new CollectingSocket()
const readerSocket = new CollectingSocket()
const person = (id: string) => ({ id, name: id, color: '#1971c2', ephemeral: true })
const writer = room.addConnection(writerSocket, 'participant', person('writer'))
room.addConnection(readerSocket, 'participant', person('reader'))

// A client sends two writes of the same key back to back (a burst after a stall): both
// arrive within one turn of the server's event loop.
const doc = new Y.Doc()
const outgoing: Uint8Array[] = []
doc.on('update', (u: Uint8Array) => outgoing.push(u))
doc.getMap('bench').set('w0', 'FIRST-VALUE')
doc.getMap('bench').set('w0', 'SECOND-VALUE')
for (const u of outgoing) room.handleMessage(writer, syncUpdate(u))
await room.settle()

const relayed = relayedUpdates(readerSocket).map((u) => Buffer.from(u).toString('latin1'))
const has = (s: string) => relayed.some((u) => u.includes(s))
console.log(`Room relayed ${relayed.length} update(s) to the reader: FIRST-VALUE ${has('FIRST-VALUE') ? 'present' : 'MISSING'}, SECOND-VALUE ${has('SECOND-VALUE') ? 'present' : 'MISSING'}`)

// The suggested fix: one transaction per received update, then Y.mergeUpdates of their
// effective updates (mergeUpdates does not garbage-collect): still one row, one message.
const server = new Y.Doc()
const effective: Uint8Array[] = []
server.on('update', (u: Uint8Array) => effective.push(u))
for (const u of outgoing) Y.applyUpdate(server, u)
const merged = Buffer.from(Y.mergeUpdates(effective)).toString('latin1')
console.log(`Per-update transactions + mergeUpdates: FIRST-VALUE ${merged.includes('FIRST-VALUE') ? 'present' : 'MISSING'}, SECOND-VALUE ${merged.includes('SECOND-VALUE') ? 'present' : 'MISSING'}`)
room.destroy()
