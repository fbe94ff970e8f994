import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { atom, createTLStore, defaultBindingUtils, defaultShapeUtils, Tldraw, type Editor, type TLComponents, type TLStore } from 'tldraw'
import 'tldraw/tldraw.css'
import * as Y from 'yjs'
import type { CheckpointSummary } from '../../shared/history'
import type { IssuedIdentity } from '../../shared/identity'
import type { Board } from '../../shared/lab'
import type { Role } from '../../shared/roles'
import { createAssetStore } from '../board/assetStore'
import { BoardContext, type BoardInfo } from '../board/BoardContext'
import { openBoardView } from '../board/camera/navigation'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { useI18n } from '../i18n/I18nProvider'
import { navigate } from '../router'
import { CheckpointBar, CheckpointBarActions } from './CheckpointBar'
import { CheckpointViewContext } from './CheckpointViewContext'
import { historyApi } from './historyApi'
import { loadCheckpointStore } from './loadCheckpointStore'
import { RestoreConfirm } from './RestoreConfirm'
import { checkpointPath } from './useCheckpointParam'

/** Fonts, icons and translations from Fabrique's own origin, as on the live board. */
const assetUrls = getAssetUrlsByImport()
/** Stable across renders, as tldraw asks: the bar reads its state from context. */
const components: TLComponents = { TopPanel: CheckpointBar }
const NO_FACILITATORS = atom<readonly string[]>('no facilitators in a checkpoint', [])

type Loaded = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; checkpoint: CheckpointSummary; store: TLStore; doc: Y.Doc }

export interface CheckpointViewProps {
  board: Board
  lab: { id: string; title: string }
  role: Role
  token: string
  identity: IssuedIdentity
  checkpointId: string
  licenseKey: string | null
}

/**
 * A checkpoint of a board, read-only in the canvas: its state is fetched and loaded into a
 * Y.Doc and a tldraw store of its own — nothing is connected to the live board, which nobody
 * else sees change. Pan, zoom and the board menu (history, exports) work as on the live board.
 */
export function CheckpointView({ board, lab, role, token, identity, checkpointId, licenseKey }: CheckpointViewProps) {
  const { t, lang, explain } = useI18n()
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' })
  const [dialog, setDialog] = useState<{ render: (close: () => void) => ReactNode } | null>(null)
  const closeDialog = useCallback(() => setDialog(null), [])
  const stopOpening = useRef<(() => void) | null>(null)

  useEffect(() => {
    let cancelled = false
    let doc: Y.Doc | null = null
    setLoaded({ kind: 'loading' })
    Promise.all([historyApi.list(board.id, token), historyApi.state(board.id, checkpointId, token)]).then(
      ([list, state]) => {
        if (cancelled) return
        const checkpoint = list.checkpoints.find((c) => c.id === checkpointId)
        if (!checkpoint) return setLoaded({ kind: 'failed', message: t('history.checkpoint.gone') })
        doc = new Y.Doc()
        Y.applyUpdate(doc, state)
        const store = createTLStore({
          shapeUtils: defaultShapeUtils,
          bindingUtils: defaultBindingUtils,
          assets: createAssetStore(board.id, token),
          // Read-only for everyone, whatever the role: it is a version, not the board.
          collaboration: { status: null, mode: atom('checkpoint mode', 'readonly' as const) },
        })
        const result = loadCheckpointStore(doc, store, (record, err) => console.warn('Fabrique: skipped an invalid record of the checkpoint', record, err))
        if (result.kind === 'newer') return setLoaded({ kind: 'failed', message: t('history.checkpoint.newer') })
        if (result.kind === 'failed') return setLoaded({ kind: 'failed', message: `${t('history.checkpoint.failed')} (${result.reason})` })
        setLoaded({ kind: 'ready', checkpoint, store, doc })
      },
      (err: unknown) => !cancelled && setLoaded({ kind: 'failed', message: (err as { code?: string }).code === 'checkpoint.notFound' ? t('history.checkpoint.gone') : explain(err) }),
    )
    return () => {
      cancelled = true
      stopOpening.current?.()
      doc?.destroy()
    }
  }, [board.id, token, checkpointId])

  const ready = loaded.kind === 'ready' ? loaded : null
  const boardInfo = useMemo<BoardInfo>(
    () => ({ board, lab, role, token, identity, doc: ready?.doc ?? null, showDialog: (render) => setDialog(render ? { render } : null) }),
    [board, lab, role, token, identity, ready?.doc],
  )
  const back = useCallback(() => navigate(checkpointPath(board.id, null)), [board.id])
  const actions = useMemo(
    () => ({
      back,
      restore: () => {
        if (!ready) return
        setDialog({
          render: (close) => (
            <Dialog title={t('history.restore.title')} onClose={close} testId="restore-dialog">
              <RestoreConfirm checkpoint={ready.checkpoint} onCancel={close} onDone={back} heading={false} />
            </Dialog>
          ),
        })
      },
    }),
    [back, ready, t],
  )
  const onMount = useCallback((editor: Editor) => {
    // Tests and the screenshot script drive the editor through this handle.
    ;(window as unknown as { fabriqueEditor?: Editor }).fabriqueEditor = editor
    stopOpening.current?.()
    stopOpening.current = openBoardView(editor, { facilitatorUserIds: NO_FACILITATORS })
  }, [])

  if (loaded.kind === 'loading') return <div className="fab-center fab-muted">{t('history.checkpoint.loading')}</div>
  if (loaded.kind === 'failed')
    return (
      <div className="fab-center">
        <ErrorPanel message={loaded.message} />
        <button type="button" className="fab-button" onClick={back} data-testid="checkpoint-back">
          {t('history.checkpoint.back')}
        </button>
      </div>
    )
  return (
    <div className="fab-canvas fab-canvas--checkpoint" data-testid="checkpoint-canvas" data-checkpoint-id={loaded.checkpoint.id}>
      <BoardContext.Provider value={boardInfo}>
        <CheckpointViewContext.Provider value={loaded.checkpoint}>
          <CheckpointBarActions.Provider value={actions}>
            <Tldraw store={loaded.store} assetUrls={assetUrls} licenseKey={licenseKey ?? undefined} locale={lang} components={components} onMount={onMount} />
          </CheckpointBarActions.Provider>
          {dialog?.render(closeDialog)}
        </CheckpointViewContext.Provider>
      </BoardContext.Provider>
    </div>
  )
}
