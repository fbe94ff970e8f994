import type { CheckpointSummary } from '../../shared/history'

/**
 * A board's named checkpoints (« Fin de l'atelier du 12 mars »), oldest first, from
 * `GET /api/boards/:boardId/checkpoints`. A server without history answers 404: no checkpoints.
 */
export async function namedCheckpoints(boardId: string, token: string, signal?: AbortSignal): Promise<CheckpointSummary[]> {
  const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/checkpoints`, { headers: { authorization: `Bearer ${token}` }, credentials: 'same-origin', signal })
  if (res.status === 404) return []
  if (!res.ok) throw new Error(`namedCheckpoints: board ${boardId}: HTTP ${res.status}`)
  const body = (await res.json()) as { checkpoints?: CheckpointSummary[] } | CheckpointSummary[]
  const list = Array.isArray(body) ? body : (body.checkpoints ?? [])
  return list.filter((c) => c.kind === 'named').sort((a, b) => a.createdAt.localeCompare(b.createdAt))
}
