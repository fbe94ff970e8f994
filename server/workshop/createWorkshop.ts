import type { ClientCommand } from '../../shared/commands'
import { WORKSHOP_COMMAND_TYPES, type WorkshopCommand } from '../../shared/workshop/commands'
import type { RateLimiter } from '../access/RateLimiter'
import type { Storage } from '../persistence/Storage'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import type { RoomHooks } from '../rooms/RoomHooks'
import { runAgendaCommand } from './agendaCommands'
import { DotVotes } from './DotVotes'
import { PrivateRound } from './PrivateRound'
import { react, reactionLimiter } from './reactions'
import { SerialQueue } from './SerialQueue'
import { runTimerCommand } from './timerCommands'
import { runViewCommand } from './viewCommands'

export interface WorkshopOptions {
  storage: Storage
  /** The server's clock (ms since the epoch): timers' deadlines, clock answers, reaction rates. */
  now?: () => number
}

/** What the workshop keeps for one board in memory. */
interface WorkshopRoom {
  /** Commands that change workshop state run one at a time (each reads what the last one left). */
  queue: SerialQueue
  votes: DotVotes
  round: PrivateRound
  reactions: RateLimiter
}

const isWorkshopCommand = (command: ClientCommand): command is WorkshopCommand => (WORKSHOP_COMMAND_TYPES as readonly string[]).includes(command.type)

/**
 * The facilitator's workshop toolkit as room hooks: timer, dot votes, bring everyone and
 * follow me, agenda, private writing rounds, reactions, the server's clock. Every command is
 * checked against the sender's role here; public state is written by the server into the
 * board's `session` map (through the room's store-before-relay path), and what must stay
 * secret until a reveal (ballots, private notes) is kept in storage, out of the document.
 *
 * Runs after the board's authority: the authority judges a participant's change first, then
 * a private round may take a new record out of the document (its correction is applied last).
 */
export function createWorkshop({ storage, now = Date.now }: WorkshopOptions): RoomHooks {
  const rooms = new WeakMap<Room, WorkshopRoom>()
  const workshopOf = (room: Room): WorkshopRoom => {
    const workshop = rooms.get(room)
    if (!workshop) throw new Error(`workshop: board ${room.boardId} was not loaded by this hook`)
    return workshop
  }

  async function run(room: Room, connection: Connection, command: WorkshopCommand): Promise<void> {
    const workshop = workshopOf(room)
    switch (command.type) {
      case 'clock':
        connection.sendEvent({ type: 'clock', sentAt: command.sentAt, serverTime: now() })
        return
      case 'react':
        react(room, connection, command.emoji, workshop.reactions)
        return
      case 'timer.start':
      case 'timer.pause':
      case 'timer.resume':
      case 'timer.add':
      case 'timer.stop':
        return workshop.queue.run(() => runTimerCommand(room, connection, command, now()))
      case 'view.bring':
      case 'follow.start':
      case 'follow.stop':
        return workshop.queue.run(() => runViewCommand(room, connection, command))
      case 'agenda.set':
      case 'agenda.go':
        return workshop.queue.run(() => runAgendaCommand(room, connection, command, now()))
      case 'vote.open':
      case 'vote.cast':
      case 'vote.uncast':
      case 'vote.reveal':
      case 'vote.cancel':
      case 'vote.dismiss':
        return workshop.queue.run(() => workshop.votes.run(connection, command))
      case 'private.open':
      case 'private.put':
      case 'private.remove':
      case 'private.reveal':
        return workshop.queue.run(() => workshop.round.run(connection, command))
    }
  }

  return {
    async onLoad({ room }) {
      const workshop: WorkshopRoom = { queue: new SerialQueue(), votes: new DotVotes(room, storage), round: new PrivateRound(room, storage), reactions: reactionLimiter(now) }
      await workshop.votes.load()
      await workshop.round.load()
      rooms.set(room, workshop)
    },
    onChange({ room, connection, changes }) {
      return rooms.get(room)?.round.onChange(connection, changes)
    },
    onCommand({ room, connection, command }) {
      return isWorkshopCommand(command) ? run(room, connection, command) : undefined
    },
    afterCommand({ room, connection, command }) {
      if (command.type !== 'hello') return
      // A newcomer gets what is only theirs: its dots in the open vote, its private records.
      rooms.get(room)?.votes.sendOwnBallot(connection)
      rooms.get(room)?.round.sendOwnRecords(connection)
    },
    onUnload({ room }) {
      rooms.delete(room)
    },
  }
}
