import type { IssuedIdentity } from '../../shared/identity'
import type { Board, BoardView, CreatedLab, Lab, LabView } from '../../shared/lab'
import type { Lang } from '../../shared/lang'
import type { Phase } from '../../shared/phases'
import type { UpdateLabInput } from '../../shared/validation'

/** An API answer other than 2xx, with the server's reason. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  })
  const text = await res.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // not JSON: keep the status as the message
  }
  if (!res.ok) throw new ApiError(res.status, (parsed as { error?: string } | null)?.error ?? `HTTP ${res.status}`)
  return parsed as T
}

/** Runtime configuration served by the server (no rebuild needed to change it). */
export interface ClientConfig {
  tldrawLicenseKey: string | null
  publicUrl: string | null
  /** `secret`: creating a lab needs the server's admin secret. */
  labCreation: 'open' | 'secret'
}

export const api = {
  config: () => request<ClientConfig>('GET', '/api/config', null),
  createLab: (title: string, adminSecret: string | null = null) => request<CreatedLab>('POST', '/api/labs', adminSecret, { title }),
  getLab: (labId: string, token: string) => request<LabView>('GET', `/api/labs/${encodeURIComponent(labId)}`, token),
  updateLab: (labId: string, token: string, patch: UpdateLabInput) => request<Lab>('PATCH', `/api/labs/${encodeURIComponent(labId)}`, token, patch),
  createBoard: (labId: string, token: string, input: { title: string; phase?: Phase; template?: string; lang?: Lang }) =>
    request<Board>('POST', `/api/labs/${encodeURIComponent(labId)}/boards`, token, input),
  getBoard: (boardId: string, token: string) => request<BoardView>('GET', `/api/boards/${encodeURIComponent(boardId)}`, token),
  createIdentity: (labId: string, token: string, input: { name: string; color?: string }) =>
    request<IssuedIdentity>('POST', `/api/labs/${encodeURIComponent(labId)}/identities`, token, input),
}
