import type { ErrorCode } from '../../shared/errors'

/**
 * An error answered to the client as `{ "error": message, "code": code }` with `status` (and
 * `headers`, e.g. `retry-after`). The message is English, for logs and scripts; the code is
 * what clients translate (see `shared/errors.ts`).
 */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}
