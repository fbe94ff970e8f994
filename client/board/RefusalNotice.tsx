import { useEffect, useState } from 'react'
import { Rule } from '../../shared/authority/rules'
import type { EditingMode } from '../../shared/boardSession'
import { Icon } from '../components/Icon'
import { useI18n } from '../i18n/I18nProvider'
import type { MessageKey } from '../i18n/messages'
import type { Refusal } from './useBoardStore'

const SHOWN_MS = 4000

function messageKey(rule: string, mode: EditingMode): MessageKey {
  switch (rule) {
    case Rule.locked:
      return 'rule.locked'
    case Rule.frozen:
    case Rule.readOnly:
      return 'rule.frozen'
    case Rule.lockFacilitatorOnly:
      return 'rule.lock-facilitator-only'
    case Rule.notAuthor:
      return mode === 'own' ? 'rule.not-author.own' : 'rule.not-author'
    case Rule.structure:
      return 'rule.structure'
    default:
      return 'rule.other'
  }
}

/** Says, for a few seconds, why the last change of this person's was not made. */
export function RefusalNotice({ refusal, mode }: { refusal: Refusal | null; mode: EditingMode }) {
  const { t } = useI18n()
  const [visible, setVisible] = useState<Refusal | null>(null)
  useEffect(() => {
    if (!refusal) return
    setVisible(refusal)
    const timer = setTimeout(() => setVisible(null), SHOWN_MS)
    return () => clearTimeout(timer)
  }, [refusal])
  if (!visible) return null
  return (
    <div className="fab-refusal" role="status" aria-live="polite" data-testid="refusal-notice" data-rule={visible.rule}>
      <Icon name="lock" /> {t(messageKey(visible.rule, mode))}
    </div>
  )
}
