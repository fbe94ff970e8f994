import { readFragmentToken } from './fragmentToken'
import { getRememberedLab } from './rememberedLabs'

const STORAGE_KEY = 'fabrique.boardLabs'

function boardLabs(): Record<string, string> {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}')
    return parsed && typeof parsed === 'object' ? parsed : {}
  } catch {
    return {}
  }
}

/** Remembers which lab a board belongs to, so its page can find the lab's secret later. */
export function rememberBoardLab(boardId: string, labId: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...boardLabs(), [boardId]: labId }))
}

/** Boards of a lab opened on this device. */
export function boardsOfLab(labId: string): string[] {
  return Object.entries(boardLabs())
    .filter(([, lab]) => lab === labId)
    .map(([board]) => board)
}

/** Forgets which lab these boards belong to. */
export function forgetBoardLabs(boardIds: string[]): void {
  const next = boardLabs()
  for (const id of boardIds) delete next[id]
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next))
}

/** The secret to open a board with: from the link, or from the lab remembered on this device. */
export function tokenForBoard(boardId: string): string | null {
  const fromLink = readFragmentToken()
  if (fromLink) return fromLink
  const labId = boardLabs()[boardId]
  return labId ? (getRememberedLab(labId)?.token ?? null) : null
}

/** The secret to open a lab with: from the link, or remembered on this device. */
export function tokenForLab(labId: string): string | null {
  return readFragmentToken() ?? getRememberedLab(labId)?.token ?? null
}
