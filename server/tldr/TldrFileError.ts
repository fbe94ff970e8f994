import type { ErrorCode } from '../../shared/errors'

/** Why a `.tldr` file cannot be imported: a code clients translate, and an English reason naming what is wrong. */
export class TldrFileError extends Error {
  override name = 'TldrFileError'
  constructor(
    readonly code: Extract<ErrorCode, `tldr.${string}` | 'body.tooLarge'>,
    message: string,
  ) {
    super(message)
  }

  /** The HTTP status to answer with. */
  get status(): number {
    return this.code === 'tldr.imageTooLarge' || this.code === 'body.tooLarge' ? 413 : 400
  }
}
