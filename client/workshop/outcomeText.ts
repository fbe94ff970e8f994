import type { MessageKey } from '../i18n/messages'
import type { CommandOutcome } from './Workshop'

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** What to tell the facilitator about a command that did not go through (null when it did). */
export function outcomeText(outcome: CommandOutcome, t: Translate): string | null {
  if (outcome.ok) return null
  if (outcome.code === 'failed' && (outcome.message === 'offline' || outcome.message === 'disconnected')) return t('workshop.offline')
  if (outcome.code === 'forbidden') return t('workshop.forbidden')
  return t('workshop.failed', { reason: outcome.message })
}
