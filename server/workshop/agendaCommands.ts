import { getSessionMap } from '../../shared/boardDoc'
import { BoardSessionKey } from '../../shared/boardSession'
import type { AgendaState } from '../../shared/workshop/agenda'
import type { WorkshopCommand } from '../../shared/workshop/commands'
import { readAgenda } from '../../shared/workshop/session'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { startedTimer, writeTimer } from './timerCommands'
import { bringEveryone, targetExists } from './viewCommands'
import { invalid, isoNow, requireFacilitator } from './workshopAccess'

export type AgendaCommand = Extract<WorkshopCommand, { type: 'agenda.set' | 'agenda.go' }>

/**
 * The agenda (facilitators only). Setting it keeps presenting the same step if it is still
 * there (wherever it moved); going to a step brings everyone to its part of the board and
 * starts its timer, in one write with the agenda so that nobody sees one without the other.
 */
export async function runAgendaCommand(room: Room, connection: Connection, command: AgendaCommand, now: number): Promise<void> {
  requireFacilitator(connection, 'change the agenda')
  const agenda = readAgenda(room.doc)
  if (command.type === 'agenda.set') {
    const presentedId = agenda.current === null ? undefined : agenda.steps[agenda.current]?.id
    const index = presentedId === undefined ? -1 : command.steps.findIndex((s) => s.id === presentedId)
    const next: AgendaState = { steps: command.steps, current: index >= 0 ? index : null, startedAt: index >= 0 ? agenda.startedAt : null }
    await room.transact((doc) => getSessionMap(doc).set(BoardSessionKey.agenda, next))
    return
  }
  if (command.index === null) {
    // Stops presenting; the timer is left as it is (the facilitator may still want it).
    if (agenda.current === null) throw invalid('the agenda is not being presented')
    const next: AgendaState = { ...agenda, current: null, startedAt: null }
    await room.transact((doc) => getSessionMap(doc).set(BoardSessionKey.agenda, next))
    return
  }
  const step = agenda.steps[command.index]
  if (!step) throw invalid(agenda.steps.length === 0 ? 'the agenda has no steps' : `there is no step ${command.index + 1}: the agenda has ${agenda.steps.length}`)
  const next: AgendaState = { ...agenda, current: command.index, startedAt: isoNow() }
  const timer = step.durationMs === null ? null : startedTimer(step.durationMs, step.title, connection.identity.id, now)
  await room.transact((doc) => {
    getSessionMap(doc).set(BoardSessionKey.agenda, next)
    writeTimer(doc, timer)
  })
  // A step whose frame was deleted since is still presented; nobody is moved.
  if (step.target && targetExists(room, step.target)) bringEveryone(room, connection, step.target)
}
