import { useEffect, useState } from 'react'
import type { Board, LabInvitations } from '../../shared/lab'
import { linkWithToken } from '../access/fragmentToken'
import { api } from '../api/apiClient'
import { useClientConfig } from '../api/useClientConfig'
import { CopyLink } from '../components/CopyLink'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { QrCode } from '../components/QrCode'
import { useI18n } from '../i18n/I18nProvider'
import { isLocalOnly } from './InvitePanel'

export interface BoardInviteDialogProps {
  board: Pick<Board, 'id' | 'title' | 'labId'>
  /** The facilitator secret this page was opened with. */
  token: string
  /** The lab's participant and viewer secrets when the page already has them; read from the server otherwise. */
  invitations?: LabInvitations
  onClose: () => void
}

/** The link that opens `boardId` with `secret` (the secret in the fragment, never sent to the server). */
export function boardLink(boardId: string, secret: string, origin: string): string {
  return linkWithToken(`/board/${boardId}`, secret, origin)
}

/**
 * One board's invitation links — participant and viewer — with copy, a QR code to show from
 * the screen, and a full-screen QR code to project (« Rejoindre le tableau “…” »). For
 * facilitators: the links carry the lab's secrets, which only they are given.
 */
export function BoardInviteDialog({ board, token, invitations: given, onClose }: BoardInviteDialogProps) {
  const { t, explain } = useI18n()
  const config = useClientConfig()
  const [invitations, setInvitations] = useState<LabInvitations | null>(given ?? null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (given) return setInvitations(given)
    let cancelled = false
    api.getLab(board.labId, token).then(
      (view) => !cancelled && setInvitations(view.invitations ?? { participant: null, viewer: null }),
      (err: unknown) => !cancelled && setError(explain(err)),
    )
    return () => {
      cancelled = true
    }
  }, [board.labId, token, given])

  const origin = config?.publicUrl ?? location.origin
  const participant = invitations?.participant ? boardLink(board.id, invitations.participant, origin) : null
  const viewer = invitations?.viewer ? boardLink(board.id, invitations.viewer, origin) : null
  return (
    <Dialog title={t('labLive.invite.title', { title: board.title })} onClose={onClose} testId="board-invite-dialog">
      <div className="fab-board-invite">
        {error ? (
          <ErrorPanel message={error} />
        ) : !invitations || !config ? (
          <p className="fab-muted">{t('loading')}</p>
        ) : (
          <>
            <p>{t('labLive.invite.help')}</p>
            {isLocalOnly(origin) && (
              <p className="fab-warning" role="alert" data-testid="board-invite-localhost">
                {t('invite.localhost', { host: new URL(origin).host })}
              </p>
            )}
            {participant && (
              <figure className="fab-board-invite__qr">
                <QrCode text={participant} size={200} label={t('labLive.invite.qr', { title: board.title })} />
                <figcaption className="fab-small">{t('labLive.invite.scan')}</figcaption>
              </figure>
            )}
            {participant ? (
              <CopyLink label={t('role.participant')} url={participant} testId="board-invite-participant" qrTitle={t('labLive.invite.projectParticipant', { title: board.title })} />
            ) : (
              <Unknown label={t('role.participant')} testId="board-invite-participant" />
            )}
            {viewer ? (
              <CopyLink label={t('role.viewer')} url={viewer} testId="board-invite-viewer" qrTitle={t('labLive.invite.projectViewer', { title: board.title })} />
            ) : (
              <Unknown label={t('role.viewer')} testId="board-invite-viewer" />
            )}
          </>
        )}
      </div>
    </Dialog>
  )
}

function Unknown({ label, testId }: { label: string; testId: string }) {
  const { t } = useI18n()
  return (
    <div className="fab-copy-link" data-testid={testId}>
      <span className="fab-copy-link__label">{label}</span>
      <span className="fab-muted">{t('labLive.invite.unknown')}</span>
    </div>
  )
}
