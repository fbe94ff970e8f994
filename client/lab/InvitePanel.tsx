import { ROLES } from '../../shared/roles'
import type { LabTokens } from '../../shared/lab'
import { linkWithToken } from '../access/fragmentToken'
import { CopyLink } from '../components/CopyLink'
import { useI18n } from '../i18n/I18nProvider'

/** Invitation links, one per role, with QR codes; only the creating device knows them all. */
export function InvitePanel({ labId, tokens, origin }: { labId: string; tokens: LabTokens | undefined; origin: string }) {
  const { t } = useI18n()
  return (
    <section className="fab-card" data-testid="invite">
      <h2>{t('lab.share')}</h2>
      <p className="fab-muted">{t('lab.share.help')}</p>
      {tokens ? (
        ROLES.map((r) => <CopyLink key={r} label={t(`role.${r}`)} url={linkWithToken(`/lab/${labId}`, tokens[r], origin)} testId={`invite-${r}`} />)
      ) : (
        <p className="fab-muted">{t('lab.share.unknown')}</p>
      )}
    </section>
  )
}
