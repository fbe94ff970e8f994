import type { BinList, BinRestoreRequest, BinRestoreResult, CheckpointList, CheckpointSummary, RestoreResult } from '../../shared/history'
import { identityCredential, type IssuedIdentity } from '../../shared/identity'
import { ApiError } from '../api/apiClient'

/** An answer other than 2xx as an {@link ApiError} (the server's `{error, code}`), for the UI's own words. */
async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: unknown; code?: unknown } | null
  return new ApiError(res.status, typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`, typeof body?.code === 'string' ? body.code : null)
}

async function request(method: string, path: string, token: string, options: { identity?: IssuedIdentity | null; body?: unknown } = {}): Promise<Response> {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      // Who asks, so the checkpoint or the put-back names them.
      ...(options.identity && { 'x-fabrique-identity': identityCredential(options.identity) }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
    cache: 'no-store',
  })
  if (!res.ok) throw await failure(res)
  return res
}

const json = async <T>(res: Promise<Response>): Promise<T> => (await (await res).json()) as T
const board = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}`

/** A board's history on the server (`/api/boards/:boardId/checkpoints`, `…/bin`). */
export const historyApi = {
  list: (boardId: string, token: string) => json<CheckpointList>(request('GET', `${board(boardId)}/checkpoints`, token)),
  create: (boardId: string, token: string, identity: IssuedIdentity | null, name: string) =>
    json<CheckpointSummary>(request('POST', `${board(boardId)}/checkpoints`, token, { identity, body: { name } })),
  /** The checkpoint's state: a Yjs update (the browser unpacks the gzip it travels in). */
  state: async (boardId: string, checkpointId: string, token: string) =>
    new Uint8Array(await (await request('GET', `${board(boardId)}/checkpoints/${encodeURIComponent(checkpointId)}/state`, token)).arrayBuffer()),
  restore: (boardId: string, checkpointId: string, token: string, identity: IssuedIdentity | null) =>
    json<RestoreResult>(request('POST', `${board(boardId)}/checkpoints/${encodeURIComponent(checkpointId)}/restore`, token, { identity })),
  bin: (boardId: string, token: string) => json<BinList>(request('GET', `${board(boardId)}/bin`, token)),
  putBack: (boardId: string, token: string, identity: IssuedIdentity | null, what: BinRestoreRequest) =>
    json<BinRestoreResult>(request('POST', `${board(boardId)}/bin/restore`, token, { identity, body: what })),
}
