import { useI18n } from '../i18n/I18nProvider'
import type { ConnectionState } from './useBoardStore'

/** Connecting / live / offline, always visible: people on bad Wi-Fi must know their edits are safe. */
export function ConnectionBadge({ connection, readOnly, pending = 0 }: { connection: ConnectionState; readOnly: boolean; pending?: number }) {
  const { t, plural } = useI18n()
  const waiting = connection !== 'live' && pending > 0 ? plural('status.pending', pending) : null
  return (
    <span className="fab-badges">
      <span className={`fab-connection fab-connection--${connection}`} data-testid="connection-state" data-state={connection} role="status" aria-live="polite">
        <span className="fab-connection__dot" aria-hidden="true" />
        <span className="fab-connection__label">{t(`status.${connection}`)}</span>
        {waiting && (
          <span className="fab-connection__pending" data-testid="pending-changes" data-count={pending} title={waiting} aria-label={waiting}>
            {pending}
          </span>
        )}
      </span>
      {readOnly && (
        <span className="fab-readonly" data-testid="read-only">
          {t('status.readOnly')}
        </span>
      )}
    </span>
  )
}
