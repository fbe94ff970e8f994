import type { LabPresence as LabPresenceMap, PersonOnBoard } from '../../shared/lab'
import { localPeopleOnBoard, mergePeople, peopleOnBoard } from '../authority/peopleOnBoard'
import type { ClusterPresence } from '../cluster/ClusterPresence'
import type { Room } from '../rooms/Room'
import type { RoomHooks } from '../rooms/RoomHooks'
import type { LabEventHub } from './LabEventHub'

export interface LabPresenceOptions {
  hub: Pick<LabEventHub, 'hasListeners' | 'publish'>
  /**
   * A board's presence is published at most once per this many milliseconds: a reconnect storm
   * (the room's Wi-Fi comes back, 30 phones reconnect) is one event per board, not 60.
   */
  coalesceMs?: number
  /** The people on boards through other instances (several instances on one storage). */
  cluster?: ClusterPresence | null
}

/**
 * Who is on each board now, for the lab page: a room hook that notes joins, leaves and renames,
 * and publishes each changed board's people to its lab's event streams, coalesced. The people
 * are read from the room's connections when published (not counted along the way), so a
 * connection refused by a later hook, or a missed step, can never leave a ghost behind.
 */
export class LabPresence implements RoomHooks {
  /** Rooms with connections, by lab. */
  private readonly rooms = new Map<string, Set<Room>>()
  private readonly dirty = new Set<Room>()
  /** What each board's streams were last told (JSON), to say nothing when nothing changed. */
  private readonly published = new Map<string, string>()
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private readonly coalesceMs: number

  constructor(private readonly options: LabPresenceOptions) {
    this.coalesceMs = options.coalesceMs ?? 250
  }

  onConnect({ room }: Parameters<NonNullable<RoomHooks['onConnect']>>[0]): void {
    const labId = room.labId
    if (labId === null) return
    let rooms = this.rooms.get(labId)
    if (!rooms) this.rooms.set(labId, (rooms = new Set()))
    rooms.add(room)
    this.touch(room)
  }

  onDisconnect({ room }: Parameters<NonNullable<RoomHooks['onDisconnect']>>[0]): void {
    if (room.labId === null) return
    this.touch(room)
  }

  /** A rename (`identity.update`) shows on the lab page too; the command itself is someone else's. */
  onCommand({ room, command }: Parameters<NonNullable<RoomHooks['onCommand']>>[0]): undefined {
    if (command.type === 'identity.update' && room.labId !== null) this.touch(room)
    return undefined
  }

  /** Who is on each board of `labId` now, read from the rooms' connections (and the other instances' shares). */
  snapshot(labId: string): LabPresenceMap {
    const presence: LabPresenceMap = {}
    for (const room of this.rooms.get(labId) ?? []) {
      const people = peopleOnBoard(room)
      if (people.length > 0) presence[room.boardId] = people
    }
    for (const boardId of this.options.cluster?.boardsOf(labId) ?? []) {
      if (presence[boardId]) continue
      const people = mergePeople(this.options.cluster!.others(boardId))
      if (people.length > 0) presence[boardId] = people
    }
    return presence
  }

  /** The people on a board through another instance changed: its lab's pages here are told. */
  elsewhereChanged(labId: string, boardId: string): void {
    if (this.closed || !this.options.hub.hasListeners(labId)) return
    const room = [...(this.rooms.get(labId) ?? [])].find((r) => r.boardId === boardId)
    const people = room ? peopleOnBoard(room) : mergePeople(this.options.cluster?.others(boardId) ?? [])
    this.tell(labId, boardId, people)
  }

  private tell(labId: string, boardId: string, people: PersonOnBoard[]): void {
    const json = JSON.stringify(people)
    if (this.published.get(boardId) === json) return
    this.published.set(boardId, json)
    this.options.hub.publish(labId, { type: 'presence', boardId, people })
  }

  /** Stops publishing (shutdown: the rooms closing next need not be told to anyone). */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private touch(room: Room): void {
    if (this.closed) return
    this.dirty.add(room)
    // Throttled, not debounced: a steady stream of joins still shows every `coalesceMs`.
    this.timer ??= setTimeout(() => this.flush(), this.coalesceMs)
  }

  private flush(): void {
    this.timer = null
    const rooms = [...this.dirty]
    this.dirty.clear()
    for (const room of rooms) {
      const labId = room.labId!
      // This instance's share, for the lab pages and facilitators on the others.
      const here = localPeopleOnBoard(room)
      this.options.cluster?.share(labId, room.boardId, here)
      if (here.length === 0) {
        // Gone from memory soon: forget it (a new room object comes back on the next join).
        const ofLab = this.rooms.get(labId)
        ofLab?.delete(room)
        if (ofLab?.size === 0) this.rooms.delete(labId)
      }
      if (!this.options.hub.hasListeners(labId)) {
        // Nobody listens: nothing to tell; a page that opens later gets the snapshot.
        this.published.delete(room.boardId)
        continue
      }
      this.tell(labId, room.boardId, peopleOnBoard(room))
    }
  }
}
