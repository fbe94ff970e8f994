import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LabEventStream } from '../../server/lab/LabEventStream'
import { LabPresence } from '../../server/lab/LabPresence'
import type { Room } from '../../server/rooms/Room'
import type { LabEvent } from '../../shared/lab'
import type { Role } from '../../shared/roles'

/** A room as the presence hook reads it: its lab, its board and its connections. */
function fakeRoom(boardId: string) {
  const connections: { identity: { id: string; name: string; color: string }; role: Role }[] = []
  const room = { labId: 'lab-one', boardId, listConnections: () => [...connections], peopleElsewhere: () => [] } as unknown as Room
  return {
    room,
    join(id: string, role: Role = 'participant') {
      connections.push({ identity: { id, name: id, color: '#1971c2' }, role })
    },
    leave(id: string) {
      connections.splice(connections.findIndex((c) => c.identity.id === id), 1)
    },
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('LabPresence', () => {
  it('coalesces a reconnect storm: one event per board per period, none when the net effect is nothing', () => {
    vi.useFakeTimers()
    const published: LabEvent[] = []
    const presence = new LabPresence({ hub: { hasListeners: () => true, publish: (_labId, event) => void published.push(event) }, coalesceMs: 250 })
    const board = fakeRoom('board-one')
    for (let i = 0; i < 30; i++) {
      board.join(`p${i}`)
      presence.onConnect({ room: board.room, connection: null as never })
    }
    expect(published).toEqual([])
    vi.advanceTimersByTime(250)
    expect(published).toHaveLength(1)
    expect(published[0]).toMatchObject({ type: 'presence', boardId: 'board-one' })
    expect((published[0] as Extract<LabEvent, { type: 'presence' }>).people).toHaveLength(30)

    // The Wi-Fi drops and comes back: everyone leaves and rejoins within the period.
    for (let i = 0; i < 30; i++) {
      board.leave(`p${i}`)
      presence.onDisconnect({ room: board.room, connection: null as never })
    }
    for (let i = 0; i < 30; i++) {
      board.join(`p${i}`)
      presence.onConnect({ room: board.room, connection: null as never })
    }
    vi.advanceTimersByTime(1000)
    expect(published).toHaveLength(1)

    // A steady trickle still shows, once per period.
    board.join('late-1')
    presence.onConnect({ room: board.room, connection: null as never })
    vi.advanceTimersByTime(100)
    board.join('late-2')
    presence.onConnect({ room: board.room, connection: null as never })
    vi.advanceTimersByTime(150)
    expect(published).toHaveLength(2)
    expect(presence.snapshot('lab-one')['board-one']).toHaveLength(32)
  })

  it('tells nothing when nobody listens, and the snapshot is read from the rooms themselves', () => {
    vi.useFakeTimers()
    const published: LabEvent[] = []
    let listening = false
    const presence = new LabPresence({ hub: { hasListeners: () => listening, publish: (_labId, event) => void published.push(event) } })
    const board = fakeRoom('board-two')
    board.join('ana', 'facilitator')
    presence.onConnect({ room: board.room, connection: null as never })
    vi.runAllTimers()
    expect(published).toEqual([])
    expect(presence.snapshot('lab-one')).toEqual({ 'board-two': [{ identityId: 'ana', name: 'ana', color: '#1971c2', role: 'facilitator', connections: 1 }] })
    listening = true
    board.leave('ana')
    presence.onDisconnect({ room: board.room, connection: null as never })
    vi.runAllTimers()
    expect(published).toEqual([{ type: 'presence', boardId: 'board-two', people: [] }])
    expect(presence.snapshot('lab-one')).toEqual({})
    presence.close()
    board.join('bob')
    presence.onConnect({ room: board.room, connection: null as never })
    expect(vi.getTimerCount()).toBe(0)
  })
})

/** Enough of a ServerResponse for a stream: what it was written, whether it was cut. */
function fakeResponse() {
  const res = new EventEmitter() as EventEmitter & { writableLength: number; chunks: string[]; ended: boolean; destroyed: boolean; write(c: string): boolean; end(): void; destroy(): void }
  Object.assign(res, {
    writableLength: 0,
    chunks: [],
    ended: false,
    destroyed: false,
    write(c: string) {
      res.chunks.push(c)
      return true
    },
    end() {
      res.ended = true
      res.emit('close')
    },
    destroy() {
      res.destroyed = true
      res.emit('close')
    },
  })
  return res
}

describe('LabEventStream', () => {
  it('holds events until its snapshot is written, then sends them after it, in order', () => {
    const res = fakeResponse()
    const stream = new LabEventStream('lab', 'viewer', '1.2.3.4', res as unknown as ServerResponse, 1024, () => {})
    stream.heartbeat()
    stream.send({ type: 'presence', boardId: 'b', people: [] })
    expect(res.chunks).toEqual([])
    stream.start({ type: 'revoked' })
    expect(res.chunks.map((c) => JSON.parse(c.slice(6)).type)).toEqual(['revoked', 'presence'])
  })

  it('cuts a reader that does not read (its page reconnects) instead of piling up data for it', () => {
    const res = fakeResponse()
    const closed: LabEventStream[] = []
    const stream = new LabEventStream('lab', 'viewer', '1.2.3.4', res as unknown as ServerResponse, 1024, (s) => closed.push(s))
    stream.start({ type: 'revoked' })
    res.writableLength = 4096
    stream.send({ type: 'presence', boardId: 'b', people: [] })
    expect(res.destroyed).toBe(true)
    expect(res.chunks).toHaveLength(1)
    expect(closed).toEqual([stream])
    stream.send({ type: 'presence', boardId: 'b', people: [] })
    stream.close()
    expect(closed).toHaveLength(1)
  })
})
