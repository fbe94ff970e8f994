import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { atom, Tldraw, useTldrawCurrentUser, type Editor, type Signal, type TLComponents, type TLUiOverrides, type TLUser } from 'tldraw'
import 'tldraw/tldraw.css'
import type { EditingMode } from '../../shared/boardSession'
import type { IssuedIdentity } from '../../shared/identity'
import type { Board } from '../../shared/lab'
import { isLang } from '../../shared/lang'
import { canManageLab, type Role } from '../../shared/roles'
import { PeoplePanel } from '../facilitation/PeoplePanel'
import { useI18n } from '../i18n/I18nProvider'
import { InsertTemplateDialog } from '../templates/InsertTemplateDialog'
import { BoardBar, BoardBarContext } from './BoardBar'
import { BoardContext, type BoardInfo } from './BoardContext'
import { openBoardView } from './camera/navigation'
import { insertTemplate } from './insertTemplate'
import { RefusalNotice } from './RefusalNotice'
import { RemovedNotice } from './RemovedNotice'
import { RevokedNotice } from './RevokedNotice'
import { BoardGoneNotice } from './BoardGoneNotice'
import { useLatestBoard } from '../boards/latestBoards'
import { SchemaProblem } from './SchemaProblem'
import { useBoardStore } from './useBoardStore'
import { WorkshopContext } from '../workshop/WorkshopContext'
import { WorkshopLayer } from '../workshop/WorkshopLayer'

/** Fonts, icons and translations come from Fabrique's own origin: no request leaves it. */
const assetUrls = getAssetUrlsByImport()

/** Stable across renders, as tldraw asks: the bar reads its state from context. */
const components: TLComponents = { TopPanel: BoardBar, InFrontOfTheCanvas: WorkshopLayer }

/**
 * Participants write inside the structure a facilitator prepared: tldraw's lock actions are
 * not offered to them (the server refuses them anyway, whatever the client).
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
  /** This person in the lab, as the server issued them. */
  identity: IssuedIdentity
  $user: Signal<TLUser | null>
  onIdentityChange: (identity: IssuedIdentity) => void
  licenseKey: string | null
  labLink: string
  /** The lab the board belongs to (file names of exports, reports). */
  lab: { id: string; title: string }
}

/** The live tldraw canvas of one board. */
export function BoardCanvas({ board: openedBoard, token, role, identity, $user, onIdentityChange, licenseKey, labLink, lab }: BoardCanvasProps) {
  const { lang, setLang } = useI18n()
  // Renamed or moved from this page's menu: the bar and the menus show it at once.
  const board = useLatestBoard(openedBoard)
  const boardState = useBoardStore({ boardId: board.id, token, role, identity, $user })
  const { storeWithStatus, connection, readOnly, schemaProblem, doc, channel, editingMode, people, removedPeople, removed, full, refusal, pending, revoked, gone, workshop } = boardState
  const [editor, setEditor] = useState<Editor | null>(null)
  const [inserting, setInserting] = useState(false)
  const [showPeople, setShowPeople] = useState(false)
  const [dialog, setDialog] = useState<{ render: (close: () => void) => ReactNode } | null>(null)
  const closeDialog = useCallback(() => setDialog(null), [])
  const boardInfo = useMemo<BoardInfo>(
    () => ({ board, lab, role, token, identity, doc, showDialog: (render) => setDialog(render ? { render } : null) }),
    [board, lab, role, token, identity, doc],
  )
  // tldraw rebuilds its editor when the user object changes: keep the callback stable.
  const latest = useRef({ identity, onIdentityChange, lang, setLang, channel })
  latest.current = { identity, onIdentityChange, lang, setLang, channel }
  const setUserPreferences = useCallback((prefs: { name?: string | null; color?: string | null; locale?: string | null }) => {
    const { identity: current, onIdentityChange: change } = latest.current
    // tldraw's language menu switches Fabrique's language too (French and English).
    if (isLang(prefs.locale) && prefs.locale !== latest.current.lang) latest.current.setLang(prefs.locale)
    const next = { ...current, name: prefs.name?.trim().slice(0, 40) || current.name, color: prefs.color || current.color }
    if (next.name === current.name && next.color === current.color) return
    change(next)
    // The server knows people by their identity: it hears of the new name too.
    void latest.current.channel?.send({ type: 'identity.update', name: next.name, color: next.color })
  }, [])
  // The plain id: tldraw derives the record id (`user:<id>`) that presences carry from it.
  const currentUser = useTldrawCurrentUser({
    userPreferences: { id: identity.id, name: identity.name, color: identity.color, locale: lang },
    setUserPreferences,
  })
  const isFacilitator = canManageLab(role)
  const command = async (run: () => Promise<{ type: string; message?: string }> | undefined): Promise<string | null> => {
    const answer = await run()
    return answer && answer.type === 'error' ? (answer.message ?? 'error') : null
  }
  // The other facilitators on the board (the server tells facilitators who is there): a board
  // opens where they are looking. Participants are not told roles, so they open on the first zone.
  const $facilitators = useMemo(() => atom<readonly string[]>('facilitators on the board', []), [])
  useEffect(() => {
    $facilitators.set(people.filter((p) => p.role === 'facilitator' && p.identityId !== identity.id).map((p) => `user:${p.identityId}`))
  }, [people, identity.id, $facilitators])
  const stopOpening = useRef<(() => void) | null>(null)
  useEffect(() => () => stopOpening.current?.(), [])
  const onMount = useCallback((mounted: Editor) => {
    // Tests and the screenshot script drive the editor through this handle.
    ;(window as unknown as { fabriqueEditor?: Editor }).fabriqueEditor = mounted
    setEditor(mounted)
    // Legible from the start: the first zone (or what a facilitator sees), or everything when it all reads.
    stopOpening.current?.()
    stopOpening.current = openBoardView(mounted, { facilitatorUserIds: $facilitators })
  }, [$facilitators])
  const canInsert = isFacilitator && !readOnly && editor !== null && doc !== null

  if (removed) return <RemovedNotice labLink={labLink} />
  if (revoked) return <RevokedNotice />
  if (gone) return <BoardGoneNotice labLink={labLink} />
  if (schemaProblem) return <SchemaProblem problem={schemaProblem} />
  return (
    <div className="fab-canvas" data-testid="board-canvas">
      <BoardContext.Provider value={boardInfo}>
      <BoardBarContext.Provider
        value={{
          title: board.title,
          connection,
          readOnly,
          labLink,
          editingMode,
          full,
          onInsert: canInsert ? () => setInserting(true) : null,
          onSetMode: isFacilitator && channel ? (mode: EditingMode) => void channel.send({ type: 'board.setMode', mode }) : null,
          onOpenPeople: isFacilitator ? () => setShowPeople(true) : null,
          othersCount: people.filter((p) => p.identityId !== identity.id).length,
          pending,
        }}
      >
        <WorkshopContext.Provider value={workshop}>
        <Tldraw
          store={storeWithStatus}
          assetUrls={assetUrls}
          licenseKey={licenseKey ?? undefined}
          locale={lang}
          user={currentUser}
          components={components}
          overrides={isFacilitator ? undefined : participantOverrides}
          onMount={onMount}
        />
        </WorkshopContext.Provider>
      </BoardBarContext.Provider>
      {dialog?.render(closeDialog)}
      </BoardContext.Provider>
      <RefusalNotice refusal={refusal} mode={editingMode} />
      {inserting && editor && doc && (
        <InsertTemplateDialog
          onClose={() => setInserting(false)}
          onInsert={(templateId) => {
            setInserting(false)
            insertTemplate(editor, doc, templateId, lang, identity.id)
          }}
        />
      )}
      {showPeople && channel && (
        <PeoplePanel
          people={people}
          removed={removedPeople}
          selfId={identity.id}
          onClose={() => setShowPeople(false)}
          onRemove={(identityId) => command(() => channel.send({ type: 'participant.remove', identityId }))}
          onReadmit={(identityId) => command(() => channel.send({ type: 'participant.readmit', identityId }))}
        />
      )}
    </div>
  )
}
