/**
 * Codes of the errors the API and WebSocket upgrade refusals answer, as
 * `{ "error": "<English message>", "code": "<code>" }`. The message is for logs and scripts;
 * the client shows its own words for the code, in the user's language.
 */
export const ERROR_CODES = [
  /** 404: no lab with this id. */
  'lab.notFound',
  /** 404: no board with this id. */
  'board.notFound',
  /** 404: no image with this id on this board. */
  'image.notFound',
  /** 404: no API route (or sync path) here. */
  'endpoint.notFound',
  /** 405: the path exists with another method. */
  'method.notAllowed',
  /** 401: a token of the lab is needed and none was given. */
  'token.missing',
  /** 403: the token (or image grant) does not open this lab — also what a rotated secret gets. */
  'token.wrongLab',
  /** 403: the identity presented is not one of this lab's, or its secret is wrong. */
  'identity.wrongLab',
  /** 403: only a facilitator may do this. */
  'role.facilitatorOnly',
  /** 403: viewers read; they cannot add images. */
  'role.viewerReadOnly',
  /** 400: the request is not valid; the message says which field and why. */
  'input.invalid',
  /** 413: the body is larger than allowed. */
  'body.tooLarge',
  /** 400: the body is not valid JSON. */
  'body.notJson',
  /** 415: the body must be `application/json`. */
  'body.contentType',
  /** 415: not an accepted image type, or the bytes are not what the type says. */
  'image.type',
  /** 413: the lab's images already take its whole quota. */
  'assets.quota',
  /** 429: too many writes or connections from this address (see `Retry-After`). */
  'rate.limited',
  /** 429: too many labs created from this address (see `Retry-After`). */
  'labs.rateLimited',
  /** 429: too many live lab pages open from this address, on this lab or on the server (see `Retry-After`). */
  'events.tooMany',
  /** 401/403: creating a lab on this server needs its admin secret. */
  'labCreation.secretRequired',
  /** 403: a request or connection from another site's page. */
  'origin.refused',
  /** 503: the server is stopping; retry shortly. */
  'server.shuttingDown',
  /** 401: the sync ticket is unknown, forged, expired, already used, for another board or for a replaced secret. */
  'ticket.invalid',
  /** 404: no checkpoint with this id on this board (thinned away, or another board's). */
  'checkpoint.notFound',
  /** 409: the checkpoint was written by a newer tldraw than this server's: it cannot be restored here. */
  'checkpoint.newer',
  /** 422: the checkpoint's state is damaged or could not be migrated to this server's tldraw. */
  'checkpoint.unreadable',
  /** 404: none of the records asked for is in the board's bin (any more): put back already, or deleted too long ago. */
  'bin.notFound',
  /** 400: the `.tldr` file is not JSON (not a tldraw file, or damaged). */
  'tldr.notJson',
  /** 400: the `.tldr` file ends too early (cut during a download or a copy). */
  'tldr.truncated',
  /** 400: JSON, but not a tldraw file (another application's, e.g. Excalidraw). */
  'tldr.notTldraw',
  /** 400: a file of the first tldraw (2021–2022), which this server cannot read: open it on tldraw.com and save it again. */
  'tldr.tldrawV1',
  /** 400: saved by a newer tldraw than this server knows. */
  'tldr.newer',
  /** 400: a record of the file is damaged or not one Fabrique's tldraw knows; the message names it. */
  'tldr.invalidRecord',
  /** 400: an image embedded in the file is damaged, or not an image; the message names it. */
  'tldr.invalidImage',
  /** 413: an image embedded in the file is larger than one image may be (`MAX_ASSET_BYTES`). */
  'tldr.imageTooLarge',
  /** 500: something failed on the server. */
  'internal',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Body of every `4xx`/`5xx` answer of the API and of refused WebSocket upgrades. */
export interface ApiErrorBody {
  error: string
  code: ErrorCode
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
