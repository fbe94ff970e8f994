import type { PersonOnBoard } from './commands'
import type { Phase } from './phases'
import type { Role } from './roles'

/** Families of organisations a lab gathers. */
export const MEMBER_FAMILIES = ['public', 'entreprise', 'ess', 'recherche', 'habitants'] as const
export type MemberFamily = (typeof MEMBER_FAMILIES)[number]

/** Where an activity of the method stands for this lab. */
export const ACTIVITY_STATES = ['todo', 'in-progress', 'done'] as const
export type ActivityState = (typeof ACTIVITY_STATES)[number]

/** A member organisation of the lab. */
export interface LabMember {
  name: string
  family: MemberFamily
}

/** A lab as the API returns it. */
export interface Lab {
  id: string
  title: string
  /** The societal problem the lab works on. */
  theme: string
  territory: string
  /** ISO date `YYYY-MM-DD`, or null when not set. */
  startDate: string | null
  phase: Phase
  members: LabMember[]
  /** State of each activity of the method, by activity id; missing means `todo`. */
  activities: Record<string, ActivityState>
  createdAt: string
  updatedAt: string
}

/** A board as the API returns it. */
export interface Board {
  id: string
  labId: string
  title: string
  phase: Phase
  /** Template the board was created from, or null for a blank board. */
  template: string | null
  createdAt: string
}

/** The three secrets of a lab, shown once, at creation. */
export interface LabTokens {
  facilitator: string
  participant: string
  viewer: string
}

/**
 * The invitation links' secrets, as a facilitator reads them back (`GET /api/labs/:labId`).
 * Null for a lab made before they were kept, until that role's secret is rotated. The
 * facilitator's own secret is never stored, so never shown again.
 */
export interface LabInvitations {
  participant: string | null
  viewer: string | null
}

/** `POST /api/labs/:labId/tokens/:role/rotate` answer: the role's new secret (the old one stops working at once). */
export interface RotatedToken {
  role: Role
  token: string
}

/** `POST /api/boards/:boardId/tickets` answer: a single-use ticket for `GET /sync/<boardId>?ticket=…`. */
export interface SyncTicket {
  ticket: string
  expiresInMs: number
}

/** `POST /api/labs` answer. */
export interface CreatedLab extends Lab {
  tokens: LabTokens
}

/** `GET /api/labs/:labId` answer. */
export interface LabView {
  lab: Lab
  boards: Board[]
  role: Role
  /** Only in a facilitator's answer. */
  invitations?: LabInvitations
}

/** `GET /api/boards/:boardId` answer: the board, its lab and the caller's role. */
export interface BoardView {
  board: Board
  lab: Pick<Lab, 'id' | 'title'>
  role: Role
}

/** Body of every `4xx`/`5xx` answer (see `shared/errors.ts`). */
export type { ApiErrorBody as ApiError } from './errors'

export type { PersonOnBoard }

/** Who is on each board of a lab right now, by board id (boards nobody is on are absent). */
export type LabPresence = Record<string, PersonOnBoard[]>

/**
 * What `GET /api/labs/:labId/events` pushes (Server-Sent Events, one JSON object per `data:`
 * line, comments `: ping` as heartbeats). Each event carries whole state, so applying it twice
 * or after a reconnect's snapshot is harmless.
 */
export type LabEvent =
  /** First event of every stream: everything the lab page shows, and how often heartbeats come. */
  | { type: 'snapshot'; lab: Lab; boards: Board[]; role: Role; presence: LabPresence; heartbeatMs: number; invitations?: LabInvitations }
  /** The lab was edited (title, phase, activities, members…): the whole lab. */
  | { type: 'lab'; lab: Lab }
  /** A board was created or changed: insert or replace it by id. */
  | { type: 'board'; board: Board }
  /** Who is on a board now (empty: nobody). */
  | { type: 'presence'; boardId: string; people: PersonOnBoard[] }
  /** Facilitators only: the invitation links changed (a secret was replaced). */
  | { type: 'invitations'; invitations: LabInvitations }
  /** The secret this stream was opened with was replaced: the stream ends and must not be reopened with it. */
  | { type: 'revoked' }
