/** Reactions a participant can send: they float briefly near the sender's cursor on every screen. */
export const REACTIONS = ['👍', '❤️', '😂', '🎉', '❓', '👏'] as const
export type Reaction = (typeof REACTIONS)[number]

export function isReaction(value: unknown): value is Reaction {
  return typeof value === 'string' && (REACTIONS as readonly string[]).includes(value)
}

/** Per person: a burst of this many, then one every `everyMs` (more are refused). */
export const REACTION_RATE = { burst: 5, everyMs: 1_000 } as const
