import type { LabTokens } from '../../shared/lab'
import type { Role } from '../../shared/roles'

const STORAGE_KEY = 'fabrique.labs'

/** A lab this browser opened before, with the secret it was opened with. */
export interface RememberedLab {
  id: string
  title: string
  role: Role
  token: string
  /** All three secrets, known only on the device that created the lab. */
  tokens?: LabTokens
  lastOpened: string
}

export function listRememberedLabs(): RememberedLab[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]')
    return Array.isArray(parsed) ? (parsed as RememberedLab[]).sort((a, b) => b.lastOpened.localeCompare(a.lastOpened)) : []
  } catch {
    return []
  }
}

export function getRememberedLab(labId: string): RememberedLab | null {
  return listRememberedLabs().find((lab) => lab.id === labId) ?? null
}

/**
 * Remembers a lab. A stronger role never gets replaced by a weaker one opened later from a
 * participant link on the same device, and known invitation secrets are kept.
 */
export function rememberLab(entry: Omit<RememberedLab, 'lastOpened'>): void {
  const labs = listRememberedLabs()
  const previous = labs.find((lab) => lab.id === entry.id)
  const rank: Record<Role, number> = { facilitator: 3, participant: 2, viewer: 1 }
  const keepPrevious = previous && rank[previous.role] > rank[entry.role]
  const next: RememberedLab = {
    ...entry,
    role: keepPrevious ? previous.role : entry.role,
    token: keepPrevious ? previous.token : entry.token,
    tokens: entry.tokens ?? previous?.tokens,
    lastOpened: new Date().toISOString(),
  }
  localStorage.setItem(STORAGE_KEY, JSON.stringify([next, ...labs.filter((lab) => lab.id !== entry.id)]))
}

export function forgetLab(labId: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(listRememberedLabs().filter((lab) => lab.id !== labId)))
}
