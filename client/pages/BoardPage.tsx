import { useCallback, useEffect, useState } from 'react'
import { atom, createUserId, type TLUser } from 'tldraw'
import type { IssuedIdentity } from '../../shared/identity'
import type { BoardView } from '../../shared/lab'
import { rememberBoardLab, tokenForBoard } from '../access/boardAccess'
import { clearFragment, linkWithToken } from '../access/fragmentToken'
import { getLabIdentity, lastUsedName, saveLabIdentity } from '../access/labIdentity'
import { rememberLab } from '../access/rememberedLabs'
import { api, type ClientConfig } from '../api/apiClient'
import { loadClientConfig } from '../api/useClientConfig'
import { BoardCanvas } from '../board/BoardCanvas'
import { NamePrompt } from '../board/NamePrompt'
import { ErrorPanel } from '../components/ErrorPanel'
import { BoardInviteContext } from '../lab/BoardInviteContext'
import { BoardInviteDialog } from '../lab/BoardInviteDialog'
import { CheckpointView } from '../history/CheckpointView'
import { useCheckpointParam } from '../history/useCheckpointParam'
import { suggestName } from '../lab/suggestName'
import { isNetworkFailure, keepBoardView, keepClientConfig, keptBoardView, keptClientConfig } from '../offline/keptViews'
import { useI18n } from '../i18n/I18nProvider'

function toTLUser(identity: IssuedIdentity): TLUser {
  return { id: createUserId(identity.id), typeName: 'user', name: identity.name, color: identity.color, imageUrl: '', meta: {} }
}

/**
 * `/board/:boardId`: on the first visit to the lab, a name — offered already filled in, so
 * joining is one tap (the server issues an identity) — then the live canvas. Facilitators can
 * show the board's invitation links from its bar.
 */
export function BoardPage({ boardId }: { boardId: string }) {
  const { t, explain, lang } = useI18n()
  const [token] = useState(() => tokenForBoard(boardId))
  const [view, setView] = useState<BoardView | null>(null)
  const [config, setConfig] = useState<ClientConfig | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [identity, setIdentity] = useState<IssuedIdentity | null>(null)
  const [$user] = useState(() => atom<TLUser | null>('user', null))
  const [offeredName] = useState(() => lastUsedName() || suggestName(lang))
  const [joining, setJoining] = useState(false)
  const [inviting, setInviting] = useState(false)
  const openInvite = useCallback(() => setInviting(true), [])
  // `?checkpoint=<id>`: a checkpoint of the board, read-only, instead of the live canvas.
  const checkpointId = useCheckpointParam()

  useEffect(() => {
    if (!token) return
    let cancelled = false
    // Offline, a board visited before opens from what this device kept of it.
    const viewOrKept = api.getBoard(boardId, token).then(
      (v) => (keepBoardView(v), v),
      (err: unknown) => {
        const kept = keptBoardView(boardId)
        if (kept && isNetworkFailure(err)) return kept
        throw err
      },
    )
    const configOrKept = loadClientConfig().then(
      (c) => (keepClientConfig(c), c),
      (err: unknown) => {
        const kept = keptClientConfig()
        if (kept && isNetworkFailure(err)) return kept
        throw err
      },
    )
    Promise.all([viewOrKept, configOrKept]).then(
      ([nextView, nextConfig]) => {
        if (cancelled) return
        rememberLab({ id: nextView.lab.id, title: nextView.lab.title, role: nextView.role, token })
        rememberBoardLab(boardId, nextView.lab.id)
        clearFragment()
        const known = getLabIdentity(nextView.lab.id)
        if (known) {
          $user.set(toTLUser(known))
          setIdentity(known)
        }
        setView(nextView)
        setConfig(nextConfig)
      },
      (err: unknown) => !cancelled && setError(isNetworkFailure(err) ? t('error.offlineNeverOpened') : explain(err)),
    )
    return () => {
      cancelled = true
    }
  }, [boardId, token, $user])

  const changeIdentity = (next: IssuedIdentity) => {
    if (!view) return
    saveLabIdentity(view.lab.id, next)
    setIdentity(next)
    $user.set(toTLUser(next))
  }

  const join = async (name: string) => {
    if (!view || !token || joining) return
    setJoining(true)
    try {
      changeIdentity(await api.createIdentity(view.lab.id, token, { name }))
    } catch (err) {
      setError(explain(err))
    } finally {
      setJoining(false)
    }
  }

  if (!token) return <div className="fab-center"><ErrorPanel message={t('error.noToken')} home /></div>
  if (error) return <div className="fab-center"><ErrorPanel message={error} onRetry={() => location.reload()} home /></div>
  if (!view || !config) return <div className="fab-center fab-muted">{t('loading')}</div>
  if (!identity) return <NamePrompt initial={offeredName} boardTitle={view.board.title} labTitle={view.lab.title} busy={joining} onSubmit={(name) => void join(name)} />
  if (checkpointId) {
    return <CheckpointView key={checkpointId} board={view.board} lab={view.lab} role={view.role} token={token} identity={identity} checkpointId={checkpointId} licenseKey={config.tldrawLicenseKey} />
  }
  return (
    <BoardInviteContext.Provider value={view.role === 'facilitator' ? openInvite : null}>
      <BoardCanvas
        board={view.board}
        token={token}
        role={view.role}
        identity={identity}
        $user={$user}
        onIdentityChange={changeIdentity}
        licenseKey={config.tldrawLicenseKey}
        labLink={linkWithToken(`/lab/${view.lab.id}`, token)}
        lab={view.lab}
      />
      {inviting && <BoardInviteDialog board={view.board} token={token} onClose={() => setInviting(false)} />}
    </BoardInviteContext.Provider>
  )
}
