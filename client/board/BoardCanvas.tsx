import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { createContext, useContext } from 'react'
import { createUserId, Tldraw, useTldrawCurrentUser, type Editor, type Signal, type TLComponents, type TLUser } from 'tldraw'
import 'tldraw/tldraw.css'
import type { Board } from '../../shared/lab'
import type { Role } from '../../shared/roles'
import { useI18n } from '../i18n/I18nProvider'
import { ConnectionBadge } from './ConnectionBadge'
import type { LocalUser } from './localUser'
import { SchemaProblem } from './SchemaProblem'
import { useBoardStore, type ConnectionState } from './useBoardStore'

/** Fonts, icons and translations come from Fabrique's own origin: no request leaves it. */
const assetUrls = getAssetUrlsByImport()

export interface BoardCanvasProps {
  board: Board
  token: string
  role: Role
  user: LocalUser
  $user: Signal<TLUser | null>
  onUserChange: (user: LocalUser) => void
  licenseKey: string | null
  labLink: string
}

/** The live tldraw canvas of one board. */
export function BoardCanvas({ board, token, role, user, $user, onUserChange, licenseKey, labLink }: BoardCanvasProps) {
  const { lang, t } = useI18n()
  const { storeWithStatus, connection, readOnly, schemaProblem } = useBoardStore({ boardId: board.id, token, role, $user })
  const currentUser = useTldrawCurrentUser({
    userPreferences: { id: createUserId(user.id), name: user.name, color: user.color, locale: lang },
    setUserPreferences: (prefs) => {
      const next = { ...user, name: prefs.name?.trim() || user.name, color: prefs.color || user.color }
      if (next.name !== user.name || next.color !== user.color) onUserChange(next)
    },
  })

  if (schemaProblem) return <SchemaProblem problem={schemaProblem} />
  return (
    <div className="fab-canvas" data-testid="board-canvas">
      <BoardBarContext.Provider value={{ title: board.title, connection, readOnly, labLink, backLabel: t('board.back') }}>
      <Tldraw
        store={storeWithStatus}
        assetUrls={assetUrls}
        licenseKey={licenseKey ?? undefined}
        locale={lang}
        user={currentUser}
        components={components}
        onMount={(editor: Editor) => {
          ;(window as unknown as { fabriqueEditor?: Editor }).fabriqueEditor = editor
          if (editor.getCurrentPageShapeIds().size > 0) editor.zoomToFit({ animation: { duration: 0 } })
        }}
      />
      </BoardBarContext.Provider>
    </div>
  )
}

interface BoardBarState {
  title: string
  connection: ConnectionState
  readOnly: boolean
  labLink: string
  backLabel: string
}

const BoardBarContext = createContext<BoardBarState | null>(null)

/** The strip at the top of the canvas: back to the lab, board title, connection state. */
function BoardBar() {
  const bar = useContext(BoardBarContext)
  if (!bar) return null
  return (
    <div className="fab-board-bar">
      <a className="fab-board-bar__back" href={bar.labLink} title={bar.backLabel} aria-label={bar.backLabel}>
        ←
      </a>
      <span className="fab-board-bar__title" data-testid="board-title">
        {bar.title}
      </span>
      <ConnectionBadge connection={bar.connection} readOnly={bar.readOnly} />
    </div>
  )
}

/** Stable across renders, as tldraw asks: the bar reads its state from context. */
const components: TLComponents = { TopPanel: BoardBar }
