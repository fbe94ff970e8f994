import { useState, type FormEvent } from 'react'
import { listRememberedLabs, rememberLab } from '../access/rememberedLabs'
import { forgetLabOnDevice } from '../offline/forgetOnDevice'
import { linkWithToken } from '../access/fragmentToken'
import { api } from '../api/apiClient'
import { useClientConfig } from '../api/useClientConfig'
import { ErrorPanel } from '../components/ErrorPanel'
import { PageHeader } from '../components/PageHeader'
import { useI18n } from '../i18n/I18nProvider'
import { navigate } from '../router'

/** `/`: create a lab; labs opened before on this device. */
export function HomePage() {
  const { t, explain } = useI18n()
  const config = useClientConfig()
  const [title, setTitle] = useState('')
  const [adminSecret, setAdminSecret] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [labs, setLabs] = useState(listRememberedLabs)

  const create = async (e: FormEvent) => {
    e.preventDefault()
    if (!title.trim() || busy) return
    setBusy(true)
    setError(null)
    try {
      const lab = await api.createLab(title.trim(), config?.labCreation === 'secret' ? adminSecret.trim() : null)
      rememberLab({ id: lab.id, title: lab.title, role: 'facilitator', token: lab.tokens.facilitator, tokens: lab.tokens })
      navigate(`/lab/${lab.id}`)
    } catch (err) {
      setError(explain(err))
      setBusy(false)
    }
  }

  return (
    <div className="fab-page">
      <PageHeader />
      <main className="fab-main fab-home">
        <section className="fab-hero">
          <h1>{t('app.tagline')}</h1>
          <p>{t('home.about')}</p>
        </section>
        <section className="fab-card">
          <h2>{t('home.create.title')}</h2>
          <form onSubmit={create} className="fab-form-row">
            <label className="fab-field fab-grow">
              <span>{t('home.create.label')}</span>
              <input value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} placeholder={t('home.create.placeholder')} data-testid="lab-title-input" required />
            </label>
            {config?.labCreation === 'secret' && (
              <label className="fab-field">
                <span>{t('home.create.adminSecret')}</span>
                <input type="password" value={adminSecret} autoComplete="off" onChange={(e) => setAdminSecret(e.target.value)} data-testid="admin-secret-input" required />
              </label>
            )}
            <button type="submit" className="fab-button fab-button--primary" disabled={busy || !title.trim()} data-testid="create-lab">
              {t('home.create.submit')}
            </button>
          </form>
          {error && <ErrorPanel message={error} />}
        </section>
        <section className="fab-card">
          <h2>{t('home.remembered')}</h2>
          {labs.length === 0 ? (
            <p className="fab-muted">{t('home.remembered.empty')}</p>
          ) : (
            <ul className="fab-list" data-testid="remembered-labs">
              {labs.map((lab) => (
                <li key={lab.id} className="fab-list__item">
                  <a href={linkWithToken(`/lab/${lab.id}`, lab.token)} onClick={(e) => { e.preventDefault(); navigate(`/lab/${lab.id}`) }}>
                    {lab.title}
                  </a>
                  <span className="fab-chip">{t(`role.${lab.role}`)}</span>
                  <button
                    type="button"
                    className="fab-link-button"
                    data-testid={`forget-${lab.id}`}
                    onClick={() => {
                      if (!window.confirm(t('home.forget.confirm', { title: lab.title }))) return
                      void forgetLabOnDevice(lab.id).then(() => setLabs(listRememberedLabs()))
                    }}
                  >
                    {t('home.remembered.forget')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </main>
    </div>
  )
}
