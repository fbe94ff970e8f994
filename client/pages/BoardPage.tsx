import { useEffect, useState } from 'react'
import { atom, createUserId, type TLUser } from 'tldraw'
import type { BoardView } from '../../shared/lab'
import { rememberBoardLab, tokenForBoard } from '../access/boardAccess'
import { clearFragment, linkWithToken } from '../access/fragmentToken'
import { rememberLab } from '../access/rememberedLabs'
import { api, type ClientConfig } from '../api/apiClient'
import { loadClientConfig } from '../api/useClientConfig'
import { BoardCanvas } from '../board/BoardCanvas'
import { loadLocalUser, saveLocalUser, type LocalUser } from '../board/localUser'
import { NamePrompt } from '../board/NamePrompt'
import { ErrorPanel } from '../components/ErrorPanel'
import { useI18n } from '../i18n/I18nProvider'

function toTLUser(user: LocalUser): TLUser {
  return { id: createUserId(user.id), typeName: 'user', name: user.name, color: user.color, imageUrl: '', meta: {} }
}

/** `/board/:boardId`: asks a name once, then opens the live canvas. */
export function BoardPage({ boardId }: { boardId: string }) {
  const { t } = useI18n()
  const [token] = useState(() => tokenForBoard(boardId))
  const [view, setView] = useState<BoardView | null>(null)
  const [config, setConfig] = useState<ClientConfig | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [user, setUser] = useState(loadLocalUser)
  const [$user] = useState(() => atom<TLUser | null>('user', toTLUser(user)))

  useEffect(() => {
    if (!token) return
    let cancelled = false
    Promise.all([api.getBoard(boardId, token), loadClientConfig()]).then(
      ([nextView, nextConfig]) => {
        if (cancelled) return
        rememberLab({ id: nextView.lab.id, title: nextView.lab.title, role: nextView.role, token })
        rememberBoardLab(boardId, nextView.lab.id)
        clearFragment()
        setView(nextView)
        setConfig(nextConfig)
      },
      (err: Error) => !cancelled && setError(err.message),
    )
    return () => {
      cancelled = true
    }
  }, [boardId, token])

  const changeUser = (next: LocalUser) => {
    saveLocalUser(next)
    setUser(next)
    $user.set(toTLUser(next))
  }

  if (!token) return <div className="fab-center"><ErrorPanel message={t('error.noToken')} /></div>
  if (error) return <div className="fab-center"><ErrorPanel message={error} onRetry={() => location.reload()} /></div>
  if (!view || !config) return <div className="fab-center fab-muted">{t('loading')}</div>
  if (!user.name) return <NamePrompt initial="" onSubmit={(name) => changeUser({ ...user, name })} />
  return (
    <BoardCanvas
      board={view.board}
      token={token}
      role={view.role}
      user={user}
      $user={$user}
      onUserChange={changeUser}
      licenseKey={config.tldrawLicenseKey}
      labLink={linkWithToken(`/lab/${view.lab.id}`, token)}
    />
  )
}
