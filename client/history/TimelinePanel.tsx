import { useCallback, useEffect, useState } from 'react'
import { CHECKPOINT_NAME_MAX, type CheckpointSummary } from '../../shared/history'
import { canManageLab } from '../../shared/roles'
import { useBoardInfo } from '../board/BoardContext'
import { useI18n } from '../i18n/I18nProvider'
import { navigate } from '../router'
import { SidePanel } from '../workshop/SidePanel'
import { useCheckpointView } from './CheckpointViewContext'
import { formatDay, formatTime, formatWhen } from './formatWhen'
import { historyApi } from './historyApi'
import { HistoryIcon } from './HistoryIcon'
import { peopleText } from './peopleText'
import { RestoreConfirm } from './RestoreConfirm'
import { checkpointPath } from './useCheckpointParam'

/** Checkpoints grouped by the day they were taken (newest first, as listed). */
function byDay(list: readonly CheckpointSummary[], day: (iso: string) => string): { day: string; checkpoints: CheckpointSummary[] }[] {
  const groups: { day: string; checkpoints: CheckpointSummary[] }[] = []
  for (const checkpoint of list) {
    const label = day(checkpoint.createdAt)
    const last = groups.at(-1)
    if (last?.day === label) last.checkpoints.push(checkpoint)
    else groups.push({ day: label, checkpoints: [checkpoint] })
  }
  return groups
}

/**
 * « Historique »: the board's checkpoints, newest first and by day — when, what kind, its
 * name, who took it and who changed the board since the previous one. Everyone can open one
 * read-only; facilitators name the current state and restore (after confirming).
 */
export function TimelinePanel({ onClose }: { onClose: () => void }) {
  const { t, plural, lang, explain } = useI18n()
  const { board, token, role, identity } = useBoardInfo()
  const viewing = useCheckpointView()
  const isFacilitator = canManageLab(role)
  const [list, setList] = useState<CheckpointSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [status, setStatus] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<CheckpointSummary | null>(null)
  const [name, setName] = useState('')
  const [saving, setSaving] = useState(false)

  const load = useCallback(async () => {
    try {
      setList((await historyApi.list(board.id, token)).checkpoints)
      setError(null)
    } catch (err) {
      setError(explain(err))
    }
  }, [board.id, token, explain])
  useEffect(() => {
    void load()
  }, [load])

  const save = async () => {
    const trimmed = name.trim()
    if (!trimmed || saving) return
    setSaving(true)
    setStatus(null)
    try {
      const created = await historyApi.create(board.id, token, identity, trimmed)
      setName('')
      setStatus(t('history.name.saved', { name: created.name ?? trimmed }))
      await load()
    } catch (err) {
      setStatus(explain(err))
    } finally {
      setSaving(false)
    }
  }

  const open = (checkpoint: CheckpointSummary) => {
    onClose()
    navigate(checkpointPath(board.id, checkpoint.id))
  }

  const kindLabel = (c: CheckpointSummary) => t(`history.kind.${c.kind}`)
  const people = (c: CheckpointSummary) =>
    c.contributors.length === 0 ? t('history.contributors.none') : t('history.contributors', { people: peopleText(c.contributors, lang, (n) => plural('history.people.more', n)) })

  return (
    <SidePanel title={t('history.title')} onClose={onClose} testId="history-panel">
      {confirming ? (
        <RestoreConfirm
          checkpoint={confirming}
          onCancel={() => setConfirming(null)}
          onDone={(result) => {
            setConfirming(null)
            setStatus(t('history.restore.done', { when: formatWhen(result.restored.createdAt, lang) }))
            void load()
            // From a checkpoint's view, back to the live board, which now shows it.
            if (viewing) navigate(checkpointPath(board.id, null))
          }}
        />
      ) : (
        <>
          <p className="fab-side-panel__meta">{t('history.help')}</p>
          {isFacilitator && !viewing && (
            <form
              className="fab-history-name"
              onSubmit={(e) => {
                e.preventDefault()
                void save()
              }}
            >
              <label className="fab-field">
                <span>{t('history.name.label')}</span>
                <input value={name} maxLength={CHECKPOINT_NAME_MAX} placeholder={t('history.name.placeholder')} onChange={(e) => setName(e.target.value)} data-testid="checkpoint-name" />
              </label>
              <button type="submit" className="fab-button fab-button--primary" disabled={saving || name.trim() === ''} data-testid="checkpoint-save">
                {saving ? t('history.name.saving') : t('history.name.submit')}
              </button>
            </form>
          )}
          {status && (
            <p className="fab-side-panel__note" role="status" data-testid="history-status">
              {status}
            </p>
          )}
          {error && (
            <p className="fab-error" role="alert">
              {error}{' '}
              <button type="button" className="fab-link-button" onClick={() => void load()}>
                {t('history.refresh')}
              </button>
            </p>
          )}
          {list === null && !error && <p className="fab-muted">{t('history.loading')}</p>}
          {list?.length === 0 && <p className="fab-muted">{t('history.empty')}</p>}
          {list &&
            byDay(list, (iso) => formatDay(iso, lang)).map((group) => (
              <section key={group.day} className="fab-checkpoints">
                <h3 className="fab-checkpoints__day">{group.day}</h3>
                <ol className="fab-checkpoints__list">
                  {group.checkpoints.map((c) => {
                    const when = formatWhen(c.createdAt, lang)
                    const current = viewing?.id === c.id
                    return (
                      <li key={c.id} className={`fab-checkpoints__item fab-checkpoints__item--${c.kind}${current ? ' fab-checkpoints__item--current' : ''}`} data-testid="checkpoint" data-kind={c.kind} data-checkpoint-id={c.id} aria-current={current || undefined}>
                        <div className="fab-checkpoints__head">
                          <span className="fab-checkpoints__time">{formatTime(c.createdAt, lang)}</span>
                          <span className={`fab-chip fab-checkpoints__kind fab-checkpoints__kind--${c.kind}`}>{kindLabel(c)}</span>
                        </div>
                        {c.name && <p className="fab-checkpoints__name">{t('history.quoted', { name: c.name })}</p>}
                        {c.createdBy && c.kind !== 'auto' && <p className="fab-checkpoints__by">{t('history.by', { name: c.createdBy.name })}</p>}
                        <p className="fab-checkpoints__people">{people(c)}</p>
                        <div className="fab-checkpoints__actions">
                          <button type="button" className="fab-button fab-button--small" onClick={() => open(c)} disabled={current} aria-label={t('history.open.label', { when })} data-testid="checkpoint-open">
                            <HistoryIcon name="eye" />
                            {t('history.open')}
                          </button>
                          {isFacilitator && (
                            <button type="button" className="fab-button fab-button--small" onClick={() => setConfirming(c)} aria-label={t('history.restore.label', { when })} data-testid="checkpoint-restore">
                              <HistoryIcon name="restore" />
                              {t('history.restore')}
                            </button>
                          )}
                        </div>
                      </li>
                    )
                  })}
                </ol>
              </section>
            ))}
        </>
      )}
    </SidePanel>
  )
}
