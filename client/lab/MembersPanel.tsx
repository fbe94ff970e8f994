import { useState, type FormEvent } from 'react'
import { MEMBER_FAMILIES, type LabMember, type MemberFamily } from '../../shared/lab'
import { LIMITS } from '../../shared/validation'
import { ErrorPanel } from '../components/ErrorPanel'
import { useI18n } from '../i18n/I18nProvider'

/** The lab's member organisations by family; facilitators add and remove them. */
export function MembersPanel({ members, canEdit, onChange }: { members: LabMember[]; canEdit: boolean; onChange: (members: LabMember[]) => Promise<unknown> }) {
  const { t, explain } = useI18n()
  const [name, setName] = useState('')
  const [family, setFamily] = useState<MemberFamily>('public')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const save = async (next: LabMember[]) => {
    setBusy(true)
    setError(null)
    try {
      await onChange(next)
      return true
    } catch (err) {
      setError(explain(err))
      return false
    } finally {
      setBusy(false)
    }
  }
  const add = async (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) return
    if (await save([...members, { name: name.trim(), family }])) setName('')
  }

  return (
    <section className="fab-card" data-testid="members">
      <h2>{t('members.title')}</h2>
      {members.length === 0 && <p className="fab-muted">{t('members.empty')}</p>}
      <div className="fab-families">
        {MEMBER_FAMILIES.filter((f) => members.some((m) => m.family === f)).map((f) => (
          <div key={f} className={`fab-family fab-family--${f}`}>
            <h3>{t(`family.${f}`)}</h3>
            <ul>
              {members.map((m, i) =>
                m.family === f ? (
                  <li key={`${m.name}-${i}`} data-testid="member">
                    <span>{m.name}</span>
                    {canEdit && (
                      <button type="button" className="fab-link-button" disabled={busy} onClick={() => void save(members.filter((_, j) => j !== i))} aria-label={`${t('members.remove')} ${m.name}`}>
                        ×
                      </button>
                    )}
                  </li>
                ) : null,
              )}
            </ul>
          </div>
        ))}
      </div>
      {canEdit && (
        <form className="fab-form-row" onSubmit={add} data-testid="member-form">
          <label className="fab-field fab-grow">
            <span>{t('members.name')}</span>
            <input value={name} maxLength={LIMITS.memberName} onChange={(e) => setName(e.target.value)} data-testid="member-name" />
          </label>
          <label className="fab-field">
            <span>{t('members.family')}</span>
            <select value={family} onChange={(e) => setFamily(e.target.value as MemberFamily)} data-testid="member-family">
              {MEMBER_FAMILIES.map((f) => (
                <option key={f} value={f}>
                  {t(`family.${f}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="fab-button" disabled={busy || !name.trim()} data-testid="member-add">
            {t('members.add')}
          </button>
        </form>
      )}
      {error && <ErrorPanel message={error} />}
    </section>
  )
}
