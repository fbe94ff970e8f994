import type { TLAssetStore } from 'tldraw'

/**
 * Images go to Fabrique's server, beside the board, never into the document as base64.
 * They are served from this origin to lab members only (an HttpOnly cookie set when the
 * board was opened lets `<img>` requests through).
 */
export function createAssetStore(boardId: string, token: string): TLAssetStore {
  return {
    async upload(_asset, file, abortSignal) {
      const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/assets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': file.type || 'application/octet-stream' },
        body: file,
        signal: abortSignal,
      })
      const body = (await res.json().catch(() => null)) as { src?: string; error?: string } | null
      if (!res.ok || !body?.src) throw new Error(`Image upload failed: ${body?.error ?? res.status}`)
      return { src: body.src }
    },
    resolve(asset) {
      return asset.props.src
    },
  }
}
