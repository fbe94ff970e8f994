/** What a lab token lets its holder do. */
export const ROLES = ['facilitator', 'participant', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** Whether a role may change a board's content. */
export function canEditBoards(role: Role): boolean {
  return role !== 'viewer'
}

/** Whether a role may change the lab itself, create boards and prepare structure. */
export function canManageLab(role: Role): boolean {
  return role === 'facilitator'
}
