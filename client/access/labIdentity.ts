import type { IssuedIdentity } from '../../shared/identity'

const STORAGE_KEY = 'fabrique.identities'
/** The name last given on this device, offered again when joining another lab. */
const LAST_NAME_KEY = 'fabrique.lastName'

function readAll(): Record<string, IssuedIdentity> {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}')
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}
  } catch {
    return {}
  }
}

/**
 * The identity the server issued this browser in a lab (its id, name, colour and secret), or
 * null before the first visit. Kept on the device: it is how the server knows who wrote what.
 */
export function getLabIdentity(labId: string): IssuedIdentity | null {
  const identity = readAll()[labId]
  return identity && typeof identity.id === 'string' && typeof identity.secret === 'string' ? identity : null
}

export function saveLabIdentity(labId: string, identity: IssuedIdentity): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...readAll(), [labId]: identity }))
  localStorage.setItem(LAST_NAME_KEY, identity.name)
}

export function forgetLabIdentity(labId: string): void {
  const all = readAll()
  delete all[labId]
  localStorage.setItem(STORAGE_KEY, JSON.stringify(all))
}

export function lastUsedName(): string {
  return localStorage.getItem(LAST_NAME_KEY) ?? ''
}
