import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { LabView } from '../../shared/lab'
import { PHASE_INFO, PHASES, type Phase } from '../../shared/phases'
import { ROLES } from '../../shared/roles'
import { clearFragment, linkWithToken } from '../access/fragmentToken'
import { tokenForLab } from '../access/boardAccess'
import { getRememberedLab, rememberLab } from '../access/rememberedLabs'
import { api } from '../api/apiClient'
import { useClientConfig } from '../api/useClientConfig'
import { CopyLink } from '../components/CopyLink'
import { ErrorPanel } from '../components/ErrorPanel'
import { PageHeader } from '../components/PageHeader'
import { useI18n } from '../i18n/I18nProvider'
import { navigate } from '../router'

/** `/lab/:labId`: the lab, its boards, and (for facilitators) board creation and invitations. */
export function LabPage({ labId }: { labId: string }) {
  const { t, pick, lang } = useI18n()
  const [token] = useState(() => tokenForLab(labId))
  const [view, setView] = useState<LabView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const config = useClientConfig()

  const load = useCallback(async () => {
    if (!token) return
    setError(null)
    try {
      const next = await api.getLab(labId, token)
      rememberLab({ id: next.lab.id, title: next.lab.title, role: next.role, token })
      clearFragment()
      setView(next)
    } catch (err) {
      setError((err as Error).message)
    }
  }, [labId, token])

  useEffect(() => {
    void load()
  }, [load])

  if (!token) return <Shell><ErrorPanel message={t('error.noToken')} /></Shell>
  if (error) return <Shell><ErrorPanel message={error} onRetry={load} /></Shell>
  if (!view) return <Shell><p className="fab-muted">{t('loading')}</p></Shell>

  const { lab, boards, role } = view
  const tokens = getRememberedLab(lab.id)?.tokens
  return (
    <Shell>
      <section className="fab-lab-head">
        <h1 data-testid="lab-title">{lab.title}</h1>
        <span className="fab-chip" data-testid="lab-role">
          {t('lab.yourRole')} : {t(`role.${role}`)}
        </span>
      </section>
      <section className="fab-card">
        <h2>{t('lab.boards')}</h2>
        {boards.length === 0 ? (
          <p className="fab-muted">{t('lab.boards.empty')}</p>
        ) : (
          <ul className="fab-list" data-testid="board-list">
            {boards.map((board) => (
              <li key={board.id} className="fab-list__item">
                <a href={linkWithToken(`/board/${board.id}`, token)} data-testid="board-link">
                  {board.title}
                </a>
                <span className="fab-chip">{pick(PHASE_INFO[board.phase].label)}</span>
              </li>
            ))}
          </ul>
        )}
        {role === 'facilitator' && <CreateBoardForm labId={lab.id} token={token} defaultPhase={lab.phase} lang={lang} onCreated={load} />}
      </section>
      {role === 'facilitator' && (
        <section className="fab-card">
          <h2>{t('lab.share')}</h2>
          <p className="fab-muted">{t('lab.share.help')}</p>
          {tokens ? (
            ROLES.map((r) => <CopyLink key={r} label={t(`role.${r}`)} url={linkWithToken(`/lab/${lab.id}`, tokens[r], config?.publicUrl ?? location.origin)} testId={`invite-${r}`} />)
          ) : (
            <p className="fab-muted">{t('lab.share.unknown')}</p>
          )}
        </section>
      )}
    </Shell>
  )
}

function Shell({ children }: { children: React.ReactNode }) {
  const { t } = useI18n()
  return (
    <div className="fab-page">
      <PageHeader>
        <a href="/" onClick={(e) => { e.preventDefault(); navigate('/') }}>
          {t('lab.back')}
        </a>
      </PageHeader>
      <main className="fab-main">{children}</main>
    </div>
  )
}

function CreateBoardForm({ labId, token, defaultPhase, lang, onCreated }: { labId: string; token: string; defaultPhase: Phase; lang: 'fr' | 'en'; onCreated: () => void }) {
  const { t, pick } = useI18n()
  const [title, setTitle] = useState('')
  const [phase, setPhase] = useState<Phase>(defaultPhase)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!title.trim() || busy) return
    setBusy(true)
    setError(null)
    try {
      await api.createBoard(labId, token, { title: title.trim(), phase, lang })
      setTitle('')
      onCreated()
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} className="fab-form-row" data-testid="create-board-form">
      <label className="fab-field fab-grow">
        <span>{t('lab.createBoard.title')}</span>
        <input value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} data-testid="board-title-input" required />
      </label>
      <label className="fab-field">
        <span>{t('lab.createBoard.phase')}</span>
        <select value={phase} onChange={(e) => setPhase(e.target.value as Phase)} data-testid="board-phase-select">
          {PHASES.map((p) => (
            <option key={p} value={p}>
              {pick(PHASE_INFO[p].label)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="fab-button fab-button--primary" disabled={busy || !title.trim()} data-testid="create-board">
        {t('lab.createBoard.submit')}
      </button>
      {error && <ErrorPanel message={error} />}
    </form>
  )
}
