import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useRef, useState } from 'react'
import { Tldraw, useTldrawCurrentUser, type Editor, type Signal, type TLComponents, type TLUiOverrides, type TLUser } from 'tldraw'
import 'tldraw/tldraw.css'
import type { Board } from '../../shared/lab'
import { isLang } from '../../shared/lang'
import { canManageLab, type Role } from '../../shared/roles'
import { useI18n } from '../i18n/I18nProvider'
import { InsertTemplateDialog } from '../templates/InsertTemplateDialog'
import { BoardBar, BoardBarContext } from './BoardBar'
import type { LocalUser } from './localUser'
import { insertTemplate } from './insertTemplate'
import { SchemaProblem } from './SchemaProblem'
import { useBoardStore } from './useBoardStore'

/** Fonts, icons and translations come from Fabrique's own origin: no request leaves it. */
const assetUrls = getAssetUrlsByImport()

/** Stable across renders, as tldraw asks: the bar reads its state from context. */
const components: TLComponents = { TopPanel: BoardBar }

/**
 * Participants write inside the structure a facilitator prepared; they cannot unlock it.
 * (The server-side guarantee against modified clients comes with the facilitator's toolkit.)
 */
const participantOverrides: TLUiOverrides = {
  actions(_editor, actions) {
    delete actions['toggle-lock']
    delete actions['unlock-all']
    return actions
  },
}

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

/**
 * Shows everything on the page, never zooming in past 100 %, in the part of the screen tldraw's
 * panels leave free (top bar, bottom toolbar, and the style panel on wide screens).
 */
function fitContent(editor: Editor): void {
  const bounds = editor.getCurrentPageBounds()
  if (!bounds) return
  const screen = editor.getViewportScreenBounds()
  const margin = 16
  const free = {
    left: margin,
    top: 56 + margin,
    right: screen.w - (screen.w >= 1000 ? 170 : 0) - margin,
    bottom: screen.h - 64 - margin,
  }
  const w = Math.max(free.right - free.left, 50)
  const h = Math.max(free.bottom - free.top, 50)
  const z = Math.min(w / bounds.w, h / bounds.h, 1)
  const centerX = (free.left + free.right) / 2
  const centerY = (free.top + free.bottom) / 2
  editor.setCamera({ x: centerX / z - bounds.center.x, y: centerY / z - bounds.center.y, z })
}

/** The live tldraw canvas of one board. */
export function BoardCanvas({ board, token, role, user, $user, onUserChange, licenseKey, labLink }: BoardCanvasProps) {
  const { lang, setLang, t } = useI18n()
  const { storeWithStatus, connection, readOnly, schemaProblem, doc } = useBoardStore({ boardId: board.id, token, role, $user })
  const [editor, setEditor] = useState<Editor | null>(null)
  const [inserting, setInserting] = useState(false)
  // tldraw rebuilds its editor when the user object changes: keep the callback stable.
  const latest = useRef({ user, onUserChange, lang, setLang })
  latest.current = { user, onUserChange, lang, setLang }
  const setUserPreferences = useCallback((prefs: { name?: string | null; color?: string | null; locale?: string | null }) => {
    const { user: current, onUserChange: change } = latest.current
    // tldraw's language menu switches Fabrique's language too (French and English).
    if (isLang(prefs.locale) && prefs.locale !== latest.current.lang) latest.current.setLang(prefs.locale)
    const next = { ...current, name: prefs.name?.trim() || current.name, color: prefs.color || current.color }
    if (next.name !== current.name || next.color !== current.color) change(next)
  }, [])
  // The plain id: tldraw derives the record id (`user:<id>`) that presences carry from it.
  const currentUser = useTldrawCurrentUser({
    userPreferences: { id: user.id, name: user.name, color: user.color, locale: lang },
    setUserPreferences,
  })
  const onMount = useCallback((mounted: Editor) => {
    // Tests and the screenshot script drive the editor through this handle.
    ;(window as unknown as { fabriqueEditor?: Editor }).fabriqueEditor = mounted
    setEditor(mounted)
    fitContent(mounted)
  }, [])
  const canInsert = canManageLab(role) && !readOnly && editor !== null && doc !== null

  if (schemaProblem) return <SchemaProblem problem={schemaProblem} />
  return (
    <div className="fab-canvas" data-testid="board-canvas">
      <BoardBarContext.Provider
        value={{
          title: board.title,
          connection,
          readOnly,
          labLink,
          backLabel: t('board.back'),
          insertLabel: t('board.insert'),
          onInsert: canInsert ? () => setInserting(true) : null,
        }}
      >
        <Tldraw
          store={storeWithStatus}
          assetUrls={assetUrls}
          licenseKey={licenseKey ?? undefined}
          locale={lang}
          user={currentUser}
          components={components}
          overrides={canManageLab(role) ? undefined : participantOverrides}
          onMount={onMount}
        />
      </BoardBarContext.Provider>
      {inserting && editor && doc && (
        <InsertTemplateDialog
          onClose={() => setInserting(false)}
          onInsert={(templateId) => {
            setInserting(false)
            insertTemplate(editor, doc, templateId, lang)
          }}
        />
      )}
    </div>
  )
}
