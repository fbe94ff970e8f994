import { isEditingMode, type EditingMode } from './boardSession'
import type { Role } from './roles'
import type { RuleName } from './authority/rules'
import { cleanName, IDENTITY_NAME_MAX, isColor } from './identity'
import { parseWorkshopCommand, WORKSHOP_COMMAND_TYPES, type WorkshopCommand, type WorkshopCommandType, type WorkshopEvent } from './workshop/commands'

/**
 * Fabrique's own messages beside y-websocket's sync and awareness: typed commands from clients
 * (checked by the server against the sender's role) and events from the server. They travel as
 * JSON in messages of type {@link MessageType.command}; a connection receives events only once
 * it has said `hello`, so stock y-websocket clients never see them.
 */

/** Version of this protocol, sent in `hello` and `welcome`. */
export const COMMAND_PROTOCOL = 1

/** A person on the board, as the server knows them. */
export interface PersonOnBoard {
  identityId: string
  name: string
  color: string
  role: Role
  /** Open connections (tabs) of this person. */
  connections: number
}

export type ClientCommand =
  | { type: 'hello'; protocol: number }
  | { type: 'board.setMode'; mode: EditingMode }
  | { type: 'shape.lock'; ids: string[]; locked: boolean }
  | { type: 'participant.remove'; identityId: string }
  | { type: 'participant.readmit'; identityId: string }
  | { type: 'identity.update'; name?: string; color?: string }
  /** The facilitator's workshop toolkit (`shared/workshop/commands.ts`). */
  | WorkshopCommand

export type CommandType = ClientCommand['type']

/** A command as sent: `id` is echoed in its `result` or `error`. */
export type CommandMessage = ClientCommand & { id?: number }

export const CommandErrorCode = {
  /** Not JSON, or not a command. */
  malformed: 'malformed',
  unknownCommand: 'unknown-command',
  /** Well-formed, but a field is wrong. */
  invalid: 'invalid',
  /** The sender's role may not do this. */
  forbidden: 'forbidden',
  /** The server could not carry it out (e.g. storage failed); nothing was changed. */
  failed: 'failed',
  /** Too many of these too fast (reactions): try again in a moment. */
  rateLimited: 'rate-limited',
} as const
export type CommandErrorCode = (typeof CommandErrorCode)[keyof typeof CommandErrorCode]

export type ServerEvent =
  | { type: 'welcome'; protocol: number; role: Role; identity: { id: string; name: string; color: string }; serverTime: number }
  | { type: 'result'; id: number | null; command: CommandType }
  | { type: 'error'; id: number | null; code: CommandErrorCode; message: string }
  /** Some of the sender's changes were undone by the server, and why. */
  | { type: 'refused'; changes: { id: string; rule: RuleName | (string & {}) }[]; total: number }
  /** Who is on the board (sent to facilitators when it changes). */
  | { type: 'people'; people: PersonOnBoard[] }
  /** This person was removed from the board by a facilitator; the connection closes. */
  | { type: 'removed' }
  /** The workshop toolkit's events (`shared/workshop/commands.ts`). */
  | WorkshopEvent

/** A command that failed to parse, with what to answer. */
export interface CommandParseError {
  id: number | null
  code: CommandErrorCode
  message: string
}

const MAX_LOCK_IDS = 5000

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function commandId(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null
}

/** The board's own commands (`server/authority/`), beside the workshop's. */
export const BOARD_COMMAND_TYPES = ['hello', 'board.setMode', 'shape.lock', 'participant.remove', 'participant.readmit', 'identity.update'] as const
const COMMAND_TYPES: readonly CommandType[] = [...BOARD_COMMAND_TYPES, ...WORKSHOP_COMMAND_TYPES]

/** Checks an untrusted command; returns it with its id, or what to answer. */
export function parseCommand(raw: unknown): { ok: true; id: number | null; command: ClientCommand } | ({ ok: false } & CommandParseError) {
  if (!isObject(raw) || typeof raw.type !== 'string') return { ok: false, id: null, code: CommandErrorCode.malformed, message: 'a command is a JSON object with a "type"' }
  const id = commandId(raw.id)
  const invalid = (message: string) => ({ ok: false as const, id, code: CommandErrorCode.invalid, message })
  const type = raw.type as CommandType
  if (!COMMAND_TYPES.includes(type)) return { ok: false, id, code: CommandErrorCode.unknownCommand, message: `unknown command "${String(raw.type).slice(0, 40)}"` }
  if ((WORKSHOP_COMMAND_TYPES as readonly string[]).includes(type)) {
    const parsed = parseWorkshopCommand(type as WorkshopCommandType, raw)
    return typeof parsed === 'string' ? invalid(parsed) : { ok: true, id, command: parsed }
  }
  const boardType = type as (typeof BOARD_COMMAND_TYPES)[number]
  switch (boardType) {
    case 'hello':
      return typeof raw.protocol === 'number' ? { ok: true, id, command: { type: boardType, protocol: raw.protocol } } : invalid('"protocol" must be a number')
    case 'board.setMode':
      return isEditingMode(raw.mode) ? { ok: true, id, command: { type: boardType, mode: raw.mode } } : invalid('"mode" must be open, own or frozen')
    case 'shape.lock': {
      const ids = raw.ids
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_LOCK_IDS || !ids.every((i) => typeof i === 'string' && i.startsWith('shape:') && i.length <= 200)) {
        return invalid(`"ids" must be 1 to ${MAX_LOCK_IDS} shape ids`)
      }
      if (typeof raw.locked !== 'boolean') return invalid('"locked" must be true or false')
      return { ok: true, id, command: { type: boardType, ids: ids as string[], locked: raw.locked } }
    }
    case 'participant.remove':
    case 'participant.readmit':
      return typeof raw.identityId === 'string' && raw.identityId.length > 0 && raw.identityId.length <= 100
        ? { ok: true, id, command: { type: boardType, identityId: raw.identityId } }
        : invalid('"identityId" must be an identity id')
    case 'identity.update': {
      const name = raw.name
      const color = raw.color
      const clean = name === undefined ? undefined : cleanName(name)
      if (clean === null) return invalid(`"name" must be 1 to ${IDENTITY_NAME_MAX} characters`)
      if (color !== undefined && !isColor(color)) return invalid('"color" must be a colour like #1971c2')
      if (clean === undefined && color === undefined) return invalid('nothing to update: give "name" or "color"')
      return { ok: true, id, command: { type: boardType, ...(clean !== undefined && { name: clean }), ...(color !== undefined && { color }) } }
    }
  }
}
