import { useState } from 'react'
import type { RemovedPeople } from '../../shared/boardSession'
import type { PersonOnBoard } from '../../shared/commands'
import { Dialog } from '../components/Dialog'
import { useI18n } from '../i18n/I18nProvider'

export interface PeoplePanelProps {
  people: PersonOnBoard[]
  removed: RemovedPeople
  selfId: string
  onRemove: (identityId: string) => Promise<string | null>
  onReadmit: (identityId: string) => Promise<string | null>
  onClose: () => void
}

/**
 * The facilitator's view of who is on the board: remove someone (their connection closes and
 * they are refused on this board) or let them back.
 */
export function PeoplePanel({ people, removed, selfId, onRemove, onReadmit, onClose }: PeoplePanelProps) {
  const { t } = useI18n()
  const [problem, setProblem] = useState<string | null>(null)
  const run = async (action: Promise<string | null>) => {
    const failure = await action
    setProblem(failure ? t('people.failed', { reason: failure }) : null)
  }
  const others = people.filter((p) => p.identityId !== selfId)
  const removedEntries = Object.entries(removed)
  return (
    <Dialog title={t('people.title')} onClose={onClose} testId="people-panel">
      <ul className="fab-list">
        {people
          .filter((p) => p.identityId === selfId)
          .map((p) => (
            <li key={p.identityId} className="fab-list__item fab-person">
              <span className="fab-person__dot" style={{ background: p.color }} aria-hidden="true" />
              <span className="fab-person__name">
                {p.name || t('people.unnamed')} <span className="fab-muted">({t('people.you')})</span>
              </span>
              <span className="fab-chip">{t(`role.${p.role}`)}</span>
            </li>
          ))}
        {others.length === 0 && <li className="fab-list__item fab-muted">{t('people.empty')}</li>}
        {others.map((p) => (
          <li key={p.identityId} className="fab-list__item fab-person" data-testid="person">
            <span className="fab-person__dot" style={{ background: p.color }} aria-hidden="true" />
            <span className="fab-person__name">{p.name || t('people.unnamed')}</span>
            <span className="fab-chip">{t(`role.${p.role}`)}</span>
            {p.connections > 1 && <span className="fab-muted">{t('people.tabs', { n: p.connections })}</span>}
            <button
              type="button"
              className="fab-button fab-person__action"
              data-testid="remove-person"
              onClick={() => window.confirm(t('people.confirmRemove', { name: p.name || t('people.unnamed') })) && run(onRemove(p.identityId))}
            >
              {t('people.remove')}
            </button>
          </li>
        ))}
      </ul>
      {removedEntries.length > 0 && (
        <>
          <h3 className="fab-person__heading">{t('people.removedTitle')}</h3>
          <ul className="fab-list">
            {removedEntries.map(([id, who]) => (
              <li key={id} className="fab-list__item fab-person" data-testid="removed-person">
                <span className="fab-person__name">{who.name || t('people.unnamed')}</span>
                <button type="button" className="fab-button fab-person__action" data-testid="readmit-person" onClick={() => run(onReadmit(id))}>
                  {t('people.readmit')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {problem && (
        <p role="alert" className="fab-error">
          {problem}
        </p>
      )}
    </Dialog>
  )
}
