import { useCallback, useEffect, useState } from 'react'
import type { BinBatch, BinList, BinRecordSummary, BinRestoreRequest } from '../../shared/history'
import { useBoardInfo } from '../board/BoardContext'
import { useI18n } from '../i18n/I18nProvider'
import type { MessageKey } from '../i18n/messages'
import { SidePanel } from '../workshop/SidePanel'
import { formatWhen } from './formatWhen'
import { historyApi } from './historyApi'
import { HistoryIcon } from './HistoryIcon'

/** Records a person recognises in a list (bindings and images come back with their shapes). */
const shown = (r: BinRecordSummary) => r.typeName === 'shape' || r.typeName === 'page'

const KINDS: Record<string, MessageKey> = {
  note: 'history.bin.kind.note',
  frame: 'history.bin.kind.frame',
  text: 'history.bin.kind.text',
  arrow: 'history.bin.kind.arrow',
  image: 'history.bin.kind.image',
  draw: 'history.bin.kind.draw',
}

/**
 * « Corbeille » (facilitators): what was deleted from the board lately, by the change that
 * deleted it — who and when, the notes' texts — to put back whole or record by record.
 */
export function BinPanel({ onClose }: { onClose: () => void }) {
  const { t, plural, lang, explain } = useI18n()
  const { board, token, identity } = useBoardInfo()
  const [bin, setBin] = useState<BinList | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [status, setStatus] = useState<string[]>([])
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    try {
      setBin(await historyApi.bin(board.id, token))
      setError(null)
    } catch (err) {
      setError(explain(err))
    }
  }, [board.id, token, explain])
  useEffect(() => {
    void load()
  }, [load])

  const putBack = async (what: BinRestoreRequest) => {
    setBusy(true)
    setStatus([])
    try {
      const result = await historyApi.putBack(board.id, token, identity, what)
      setStatus([
        plural('history.bin.done', result.restored.length),
        ...(result.reparented > 0 ? [plural('history.bin.reparented', result.reparented)] : []),
        ...(result.skipped.length > 0 ? [plural('history.bin.skipped', result.skipped.length)] : []),
      ])
    } catch (err) {
      setStatus([explain(err)])
    } finally {
      setBusy(false)
      await load()
    }
  }

  const kind = (r: BinRecordSummary) => t(r.typeName === 'page' ? 'history.bin.kind.page' : (KINDS[r.type ?? ''] ?? 'history.bin.kind.shape'))
  const deleted = (b: BinBatch) => {
    const when = formatWhen(b.deletedAt, lang)
    return b.deletedBy ? t('history.bin.deletedBy', { name: b.deletedBy.name, when }) : t('history.bin.deleted', { when })
  }

  return (
    <SidePanel title={t('history.bin.title')} onClose={onClose} testId="bin-panel">
      {bin && <p className="fab-side-panel__meta">{plural('history.bin.help', bin.retentionDays)}</p>}
      {status.length > 0 && (
        <div className="fab-side-panel__note" role="status" data-testid="bin-status">
          {status.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      )}
      {error && (
        <p className="fab-error" role="alert">
          {error}
        </p>
      )}
      {bin === null && !error && <p className="fab-muted">{t('history.bin.loading')}</p>}
      {bin?.batches.length === 0 && <p className="fab-muted">{t('history.bin.empty')}</p>}
      {bin?.batches.map((b) => {
        const visible = b.records.filter(shown)
        const linked = b.records.length - visible.length
        return (
          <section key={b.batch} className="fab-bin-batch" data-testid="bin-batch" data-batch={b.batch}>
            <div className="fab-bin-batch__head">
              <p className="fab-bin-batch__when">{deleted(b)}</p>
              {b.records.length > 1 && (
                <button type="button" className="fab-button fab-button--small" disabled={busy} onClick={() => void putBack({ batch: b.batch })} data-testid="bin-put-back-all">
                  <HistoryIcon name="restore" />
                  {t('history.bin.putBackAll')}
                </button>
              )}
            </div>
            <ul className="fab-bin-batch__records">
              {visible.map((r) => (
                <li key={r.id} className="fab-bin-record" data-testid="bin-record" data-record-id={r.id}>
                  <span className="fab-chip">{kind(r)}</span>
                  <span className={`fab-bin-record__text${r.text ? '' : ' fab-muted'}`}>{r.text ?? t('history.bin.noText')}</span>
                  <button
                    type="button"
                    className="fab-button fab-button--small"
                    disabled={busy}
                    onClick={() => void putBack(b.records.length === 1 ? { batch: b.batch } : { ids: [r.id] })}
                    aria-label={t('history.bin.putBack.label', { text: r.text ?? kind(r) })}
                    data-testid="bin-put-back"
                  >
                    {t('history.bin.putBack')}
                  </button>
                </li>
              ))}
            </ul>
            {linked > 0 && <p className="fab-muted fab-bin-batch__linked">{plural('history.bin.linked', linked)}</p>}
          </section>
        )
      })}
    </SidePanel>
  )
}
