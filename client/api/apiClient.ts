import type { IssuedIdentity } from '../../shared/identity'
import type { Board, BoardView, CreatedLab, EmptiedBin, Lab, LabBin, LabView, TldrImport } from '../../shared/lab'
import type { Lang } from '../../shared/lang'
import type { Phase } from '../../shared/phases'
import type { Role } from '../../shared/roles'
import type { UpdateBoardInput, UpdateLabInput } from '../../shared/validation'

/** An API answer other than 2xx, with the server's reason (English) and its code (for the UI's own words). */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    /** `Retry-After`, in milliseconds, when the server said when to try again. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
  }
}

/** The ApiError a non-2xx answer stands for (its body read as `{error, code}` when it is). */
async function answerError(res: Response): Promise<ApiError> {
  type Answer = { error?: unknown; code?: unknown } | null
  let answer: Answer = null
  try {
    answer = (await res.json()) as Answer
  } catch {
    // not JSON: keep the status as the message
  }
  const retryAfter = Number(res.headers.get('retry-after'))
  return new ApiError(
    res.status,
    typeof answer?.error === 'string' ? answer.error : `HTTP ${res.status}`,
    typeof answer?.code === 'string' ? answer.code : null,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
  )
}

async function request<T>(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
      ...headers,
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
  if (!res.ok) {
    const answer = parsed as { error?: unknown; code?: unknown } | null
    throw new ApiError(res.status, typeof answer?.error === 'string' ? answer.error : `HTTP ${res.status}`, typeof answer?.code === 'string' ? answer.code : null)
  }
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
  /** Renames, moves to another phase, archives or unarchives a board (facilitators). */
  updateBoard: (boardId: string, token: string, patch: UpdateBoardInput) => request<Board>('PATCH', `/api/boards/${encodeURIComponent(boardId)}`, token, patch),
  /** A new board holding a copy of this one (now, or at one of its checkpoints), its images with it. */
  duplicateBoard: (boardId: string, token: string, input: { title?: string; phase?: Phase; checkpointId?: string }) =>
    request<Board>('POST', `/api/boards/${encodeURIComponent(boardId)}/duplicate`, token, input),
  /** Puts a board in the lab's bin: closed to everyone until restored. */
  deleteBoard: (boardId: string, token: string) => request<Board>('DELETE', `/api/boards/${encodeURIComponent(boardId)}`, token),
  restoreBoard: (boardId: string, token: string) => request<Board>('POST', `/api/boards/${encodeURIComponent(boardId)}/restore`, token, {}),
  getBin: (labId: string, token: string) => request<LabBin>('GET', `/api/labs/${encodeURIComponent(labId)}/bin`, token),
  /** Deletes every board in the lab's bin for good. */
  emptyBin: (labId: string, token: string) => request<EmptiedBin>('DELETE', `/api/labs/${encodeURIComponent(labId)}/bin`, token),
  /** A new board from a `.tldr` file (sent as is; title and phase in the query). */
  importTldr: async (labId: string, token: string, file: Blob, input: { title?: string; phase?: Phase }): Promise<TldrImport> => {
    const query = new URLSearchParams()
    if (input.title) query.set('title', input.title)
    if (input.phase) query.set('phase', input.phase)
    const res = await fetch(`/api/labs/${encodeURIComponent(labId)}/boards/import?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.tldraw+json', authorization: `Bearer ${token}` },
      body: file,
      credentials: 'same-origin',
    })
    if (!res.ok) throw await answerError(res)
    return (await res.json()) as TldrImport
  },
  /** A single-use ticket for the next sync connection (the secret stays in headers). */
  createTicket: (boardId: string, token: string, identityCredential: string | null) =>
    request<{ ticket: string; expiresInMs: number }>('POST', `/api/boards/${encodeURIComponent(boardId)}/tickets`, token, {}, identityCredential ? { 'x-fabrique-identity': identityCredential } : {}),
  /** A new secret for a role: links with the old one stop working at once. */
  rotateToken: (labId: string, token: string, role: Role) =>
    request<{ role: Role; token: string }>('POST', `/api/labs/${encodeURIComponent(labId)}/tokens/${role}/rotate`, token, {}),
  createIdentity: (labId: string, token: string, input: { name: string; color?: string }) =>
    request<IssuedIdentity>('POST', `/api/labs/${encodeURIComponent(labId)}/identities`, token, input),
  /**
   * Opens the lab's live events (Server-Sent Events read with fetch: the secret stays in a
   * header, which EventSource cannot send). Resolves with the streaming body; rejects with an
   * {@link ApiError} when refused.
   */
  openLabEvents: async (labId: string, token: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> => {
    const res = await fetch(`/api/labs/${encodeURIComponent(labId)}/events`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    })
    if (!res.ok) throw await answerError(res)
    if (!res.body) throw new ApiError(res.status, 'this browser cannot read a streamed answer')
    return res.body
  },
}
