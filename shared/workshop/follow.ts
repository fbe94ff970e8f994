/**
 * "Follow me" (`session.follow`): while set, participants' canvases follow the leader's
 * viewport (through the leader's presence), until the leader stops; a participant may step
 * out and back in. "Bring everyone here" is a one-off `bring` event instead.
 */
export interface FollowState {
  /** Identity of the facilitator leading. */
  leaderId: string
  name: string
  color: string
  /** ISO time. */
  since: string
}

/** Where a `view.bring` takes people: a rectangle of the page, or a shape (a frame). */
export type BringTarget = { kind: 'bounds'; x: number; y: number; w: number; h: number } | { kind: 'shape'; shapeId: string }
