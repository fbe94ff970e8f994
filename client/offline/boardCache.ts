import { IndexeddbPersistence } from 'y-indexeddb'
import type * as Y from 'yjs'

/** The IndexedDB database that keeps one board's Yjs document on this device. */
export const boardCacheName = (boardId: string) => `fabrique-board-${boardId}`

/**
 * Keeps a board's document in IndexedDB (`y-indexeddb`): what the server sent and what this
 * person wrote, offline included, survives closing the tab; on the next visit the board opens
 * from it at once, with or without network, and the sync sends what the server lacks.
 */
export function keepBoardOnDevice(boardId: string, doc: Y.Doc): IndexeddbPersistence {
  return new IndexeddbPersistence(boardCacheName(boardId), doc)
}

/** Deletes a board kept on this device (when its lab is forgotten here). */
export function deleteKeptBoard(boardId: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(boardCacheName(boardId))
    request.onsuccess = request.onerror = request.onblocked = () => resolve()
  })
}

const PENDING_KEY = (boardId: string) => `fabrique.pending.${boardId}`

/**
 * Changes this person made that the server has not confirmed yet (counted while the board is
 * not synced, reset once it is): kept across reloads so the badge can say how many wait.
 */
export const pendingChanges = {
  get(boardId: string): number {
    const n = Number(localStorage.getItem(PENDING_KEY(boardId)) ?? 0)
    return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0
  },
  set(boardId: string, n: number): void {
    if (n > 0) localStorage.setItem(PENDING_KEY(boardId), String(n))
    else localStorage.removeItem(PENDING_KEY(boardId))
  },
}
