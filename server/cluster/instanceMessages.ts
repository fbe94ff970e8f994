import type { PersonOnBoard } from '../../shared/commands'
import type { LabEvent } from '../../shared/lab'
import { ROLES, type Role } from '../../shared/roles'

/**
 * What instances tell each other about more than one board (on the channel every instance
 * listens to, `fabrique:instances`), as JSON:
 * - `lab-close`: a secret of `role` in `labId` was replaced: close its connections and pages;
 * - `evict`: the board was deleted: close its connections, take it out of memory, refuse joins;
 * - `unbin`: the board came back from the bin;
 * - `lab-event`: an event for the lab's live pages (to facilitators only when `roles` says so);
 * - `presence`: who is on a board through the sending instance (its share of the lab page's
 *   « who is on each board »), sent when it changes and renewed while anyone is there.
 */
export type InstanceMessage =
  | { kind: 'lab-close'; from: string; labId: string; role: Role; code: number; reason: string }
  | { kind: 'evict'; from: string; boardId: string; code: number; reason: string }
  | { kind: 'unbin'; from: string; boardId: string }
  | { kind: 'lab-event'; from: string; labId: string; event: LabEvent; roles?: Role[] }
  | { kind: 'presence'; from: string; labId: string; boardId: string; people: PersonOnBoard[] }

const str = (v: unknown): v is string => typeof v === 'string'

/** Reads a message; throws on text that is not one (it is logged and dropped). */
export function parseInstanceMessage(text: string): InstanceMessage {
  const m = JSON.parse(text) as Record<string, unknown>
  if (typeof m !== 'object' || m === null || !str(m.from)) throw new Error('not an instance message')
  const role = (r: unknown): r is Role => (ROLES as readonly unknown[]).includes(r)
  switch (m.kind) {
    case 'lab-close':
      if (str(m.labId) && role(m.role) && typeof m.code === 'number' && str(m.reason)) return m as InstanceMessage
      break
    case 'evict':
      if (str(m.boardId) && typeof m.code === 'number' && str(m.reason)) return m as InstanceMessage
      break
    case 'unbin':
      if (str(m.boardId)) return m as InstanceMessage
      break
    case 'lab-event':
      if (str(m.labId) && typeof m.event === 'object' && m.event !== null && (m.roles === undefined || (Array.isArray(m.roles) && m.roles.every(role)))) return m as InstanceMessage
      break
    case 'presence':
      if (str(m.labId) && str(m.boardId) && Array.isArray(m.people)) return m as InstanceMessage
      break
  }
  throw new Error(`not an instance message: ${String(m.kind)}`)
}
