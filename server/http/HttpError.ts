/** An error answered to the client as `{ "error": message }` with `status` (and `headers`, e.g. `retry-after`). */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}
