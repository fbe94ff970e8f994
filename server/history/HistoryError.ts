/** Why a history request cannot be carried out; the routes answer it with its code. */
export type HistoryErrorCode = 'checkpoint.notFound' | 'checkpoint.newer' | 'checkpoint.unreadable' | 'bin.notFound'

/** Thrown by the board's history when a request cannot be carried out; nothing was changed. */
export class HistoryError extends Error {
  override name = 'HistoryError'
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
  ) {
    super(message)
  }
}
