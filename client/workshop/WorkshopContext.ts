import { createContext, useContext } from 'react'
import type { Workshop } from './Workshop'

/** The board's workshop toolkit, for the bar, the canvas layer and the dialogs (null until connected). */
export const WorkshopContext = createContext<Workshop | null>(null)

export function useWorkshop(): Workshop | null {
  return useContext(WorkshopContext)
}
