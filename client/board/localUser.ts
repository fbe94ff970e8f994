/** The person at this browser: a stable id, a display name and a colour. */
export interface LocalUser {
  id: string
  name: string
  color: string
}

const STORAGE_KEY = 'fabrique.user'

/** Cursor colours, readable on white and distinct from each other. */
export const USER_COLORS = ['#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5', '#0c8599', '#c2255c', '#5f3dc4', '#e8590c', '#099268']

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The remembered user, or a new one without a name yet. */
export function loadLocalUser(): LocalUser {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<LocalUser> | null
    if (parsed && typeof parsed.id === 'string' && typeof parsed.color === 'string') {
      return { id: parsed.id, name: typeof parsed.name === 'string' ? parsed.name : '', color: parsed.color }
    }
  } catch {
    // fall through to a new user
  }
  const user = { id: randomId(), name: '', color: USER_COLORS[Math.floor(Math.random() * USER_COLORS.length)]! }
  saveLocalUser(user)
  return user
}

export function saveLocalUser(user: LocalUser): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(user))
}
