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
  /** Last change of the board's own fields (title, phase, archived, bin), ISO; `createdAt` until then. */
  updatedAt: string
  /** Kept and still readable, but out of the journey: lab pages show it under « Archives ». */
  archived: boolean
  /**
   * When a facilitator put it in the lab's bin (ISO), or null. A board in the bin is closed to
   * everyone (its links, images and API answer 404) until it is restored or the bin is emptied.
   */
  deletedAt: string | null
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
  /** The lab's boards, archived ones included (flagged), never those in the bin. */
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

/** `GET /api/labs/:labId/bin` answer: the boards in the lab's bin, the last deleted first. */
export interface LabBin {
  boards: Board[]
}

/** `DELETE /api/labs/:labId/bin` answer: the boards deleted for good. */
export interface EmptiedBin {
  deleted: string[]
}

/** `POST /api/labs/:labId/boards/import` answer. */
export interface TldrImport {
  board: Board
  /** Shapes on the new board. */
  shapes: number
  images: {
    /** Images stored with the board (they were embedded in the file). */
    imported: number
    /**
     * Images left out: at another address (Fabrique never fetches them), or of a kind it does
     * not keep (videos, link previews). Their shapes stay, without a picture.
     */
    dropped: number
  }
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
  | { type: 'snapshot'; lab: Lab; boards: Board[]; role: Role; presence: LabPresence; heartbeatMs: number; invitations?: LabInvitations; bin?: Board[] }
  /** The lab was edited (title, phase, activities, members…): the whole lab. */
  | { type: 'lab'; lab: Lab }
  /** A board was created or changed (renamed, moved, archived, restored from the bin): insert or replace it by id. */
  | { type: 'board'; board: Board }
  /** A board left the lab's list (it went to the bin): drop it. */
  | { type: 'boardRemoved'; boardId: string }
  /** Facilitators only: the lab's bin changed (a board deleted, restored, or the bin emptied); the whole bin. */
  | { type: 'bin'; boards: Board[] }
  /** Who is on a board now (empty: nobody). */
  | { type: 'presence'; boardId: string; people: PersonOnBoard[] }
  /** Facilitators only: the invitation links changed (a secret was replaced). */
  | { type: 'invitations'; invitations: LabInvitations }
  /** The secret this stream was opened with was replaced: the stream ends and must not be reopened with it. */
  | { type: 'revoked' }
