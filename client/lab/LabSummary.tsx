import type { ReactNode } from 'react'
import type { Lab } from '../../shared/lab'
import { ACTIVITIES, PHASE_INFO } from '../../shared/phases'
import type { Role } from '../../shared/roles'
import { useI18n } from '../i18n/I18nProvider'

/** Where the lab stands, readable in ten seconds: problem, territory, phase, progress. */
export function LabSummary({ lab, role, onEdit, status }: { lab: Lab; role: Role; onEdit?: () => void; status?: ReactNode }) {
  const { t, plural, pick, lang } = useI18n()
  const done = ACTIVITIES.filter((a) => lab.activities[a.id] === 'done').length
  const started = lab.startDate ? new Date(lab.startDate + 'T00:00:00').toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', year: 'numeric' }) : null
  return (
    <section className="fab-lab-summary">
      <div className="fab-lab-head">
        <h1 data-testid="lab-title">{lab.title}</h1>
        <span className="fab-chip" data-testid="lab-role">
          {t('lab.yourRole')} : {t(`role.${role}`)}
        </span>
        {status}
        {onEdit && (
          <button type="button" className="fab-button" onClick={onEdit} data-testid="lab-edit">
            {t('lab.edit')}
          </button>
        )}
      </div>
      <p className={`fab-lab-theme${lab.theme ? '' : ' fab-muted'}`} data-testid="lab-theme">
        {lab.theme || t('lab.noTheme')}
      </p>
      <dl className="fab-lab-facts">
        <div>
          <dt>{t('lab.currentPhase')}</dt>
          <dd data-testid="lab-phase">{pick(PHASE_INFO[lab.phase].label)}</dd>
        </div>
        <div>
          <dt>{t('lab.activities')}</dt>
          <dd data-testid="lab-progress">{plural('lab.progress', done, { done, total: ACTIVITIES.length })}</dd>
        </div>
        {lab.territory && (
          <div>
            <dt>{t('lab.territory')}</dt>
            <dd>{lab.territory}</dd>
          </div>
        )}
        {started && (
          <div>
            <dt>{t('lab.startDate')}</dt>
            <dd>{started}</dd>
          </div>
        )}
      </dl>
    </section>
  )
}
