import { useState } from 'react'
import type { LabInvitations } from '../../shared/lab'
import type { Role } from '../../shared/roles'
import { linkWithToken } from '../access/fragmentToken'
import { api } from '../api/apiClient'
import { CopyLink } from '../components/CopyLink'
import { ErrorPanel } from '../components/ErrorPanel'
import { useI18n } from '../i18n/I18nProvider'

/** Hosts a phone in the room cannot reach: links to them work only on the server's own machine. */
export function isLocalOnly(origin: string): boolean {
  try {
    const host = new URL(origin).hostname
    return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host) || host === '0.0.0.0'
  } catch {
    return false
  }
}

export interface InvitePanelProps {
  labId: string
  labTitle: string
  /** The facilitator secret this page was opened with. */
  token: string
  /** Participant and viewer secrets, as the server keeps them. */
  invitations: LabInvitations | undefined
  origin: string
  /** A role's secret was replaced (the facilitator's own: this device must keep the new one). */
  onRotated: (role: Role, token: string) => void
}

/**
 * Invitation links, one per role, on any device holding the facilitator secret (the server
 * keeps the participant and viewer ones); each can be replaced when it leaked, and projected
 * full screen as a QR code.
 */
export function InvitePanel({ labId, labTitle, token, invitations, origin, onRotated }: InvitePanelProps) {
  const { t, explain } = useI18n()
  const [busy, setBusy] = useState<Role | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const secrets: Record<Role, string | null> = { facilitator: token, participant: invitations?.participant ?? null, viewer: invitations?.viewer ?? null }

  const rotate = async (role: Role) => {
    const question = role === 'facilitator' ? t('invite.rotate.confirmFacilitator') : t('invite.rotate.confirm', { role: t(`role.${role}`) })
    if (!window.confirm(question)) return
    setBusy(role)
    setError(null)
    setNotice(null)
    try {
      const answer = await api.rotateToken(labId, token, role)
      onRotated(role, answer.token)
      setNotice(t('invite.rotated'))
    } catch (err) {
      setError(explain(err))
    } finally {
      setBusy(null)
    }
  }

  const roles: Role[] = ['participant', 'viewer', 'facilitator']
  return (
    <section className="fab-card" data-testid="invite">
      <h2>{t('lab.share')}</h2>
      <p className="fab-muted">{t('lab.share.help')}</p>
      {isLocalOnly(origin) && (
        <p className="fab-warning" role="alert" data-testid="invite-localhost">
          {t('invite.localhost', { host: new URL(origin).host })}
        </p>
      )}
      {roles.map((role) => {
        const secret = secrets[role]
        const rotateButton = (
          <button type="button" className="fab-button" disabled={busy !== null} onClick={() => void rotate(role)} data-testid={`invite-${role}-rotate`}>
            {t('invite.rotate')}
          </button>
        )
        if (!secret)
          return (
            <div key={role} className="fab-copy-link" data-testid={`invite-${role}`}>
              <span className="fab-copy-link__label">{t(`role.${role}`)}</span>
              <span className="fab-muted">{t('invite.unknownLink')}</span>
              <span className="fab-copy-link__actions">{rotateButton}</span>
            </div>
          )
        return (
          <div key={role}>
            <CopyLink label={t(`role.${role}`)} url={linkWithToken(`/lab/${labId}`, secret, origin)} testId={`invite-${role}`} qrTitle={t('invite.projectTitle', { title: labTitle })}>
              {rotateButton}
            </CopyLink>
            {role === 'facilitator' && <p className="fab-muted fab-small">{t('invite.facilitatorHelp')}</p>}
          </div>
        )
      })}
      {notice && (
        <p className="fab-notice" role="status" data-testid="invite-notice">
          {notice}
        </p>
      )}
      {error && <ErrorPanel message={error} />}
    </section>
  )
}
