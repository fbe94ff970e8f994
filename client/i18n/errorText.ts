import { ApiError } from '../api/apiClient'
import { isNetworkFailure } from '../offline/keptViews'
import { MESSAGES, type MessageKey } from './messages'
import type { Lang } from '../../shared/lang'

/**
 * What to tell a person about a failed request, in their language: the server's error code
 * mapped to the UI's own words (the server's English message is only a fallback, for a code
 * this version does not know).
 */
export function errorText(err: unknown, lang: Lang): string {
  const messages = MESSAGES[lang]
  if (err instanceof ApiError) {
    const key = `error.code.${err.code}` as MessageKey
    if (err.code && key in messages) return messages[key].replace('{reason}', err.message)
    return err.message
  }
  if (isNetworkFailure(err)) return messages['error.network']
  return err instanceof Error ? err.message : String(err)
}
