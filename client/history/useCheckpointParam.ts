import { useEffect, useState } from 'react'

/** The query parameter that opens a board's checkpoint read-only: `/board/<id>?checkpoint=<checkpointId>`. */
export const CHECKPOINT_PARAM = 'checkpoint'

const read = () => new URLSearchParams(location.search).get(CHECKPOINT_PARAM)

/** The checkpoint this page shows (null: the live board); follows navigation. */
export function useCheckpointParam(): string | null {
  const [id, setId] = useState(read)
  useEffect(() => {
    const onPop = () => setId(read())
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])
  return id
}

/** Where a board's checkpoint is shown, or the live board (`null`). */
export function checkpointPath(boardId: string, checkpointId: string | null): string {
  return checkpointId ? `/board/${encodeURIComponent(boardId)}?${CHECKPOINT_PARAM}=${encodeURIComponent(checkpointId)}` : `/board/${encodeURIComponent(boardId)}`
}
