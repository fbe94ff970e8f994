import { createContext, useContext } from 'react'
import type { CheckpointSummary } from '../../shared/history'

/** The checkpoint shown read-only in the canvas; null on the live board. */
export const CheckpointViewContext = createContext<CheckpointSummary | null>(null)

export function useCheckpointView(): CheckpointSummary | null {
  return useContext(CheckpointViewContext)
}
