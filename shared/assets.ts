/** Path under which a board's stored images are served (`POST` there to upload one). */
export function boardAssetPrefix(boardId: string): string {
  return `/api/boards/${boardId}/assets/`
}
