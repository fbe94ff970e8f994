import type { Board } from '../../shared/lab'

/** Told when an action changed a board (renamed, moved, archived, deleted, restored…): the board as the server answered, and what to tell the person. */
export type BoardChanged = (board: Board, message: string) => void

/** The actions a facilitator has on a board, as the lab page and the board menu offer them. */
export type BoardAction = 'rename' | 'duplicate' | 'move' | 'archive' | 'delete'
