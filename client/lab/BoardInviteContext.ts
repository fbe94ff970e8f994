import { createContext } from 'react'

/**
 * Opens the invitation links of the board on screen; null when this person may not invite
 * (only facilitators hold the lab's participant and viewer secrets). Provided by the board
 * page, read by the board's bar.
 */
export const BoardInviteContext = createContext<(() => void) | null>(null)
