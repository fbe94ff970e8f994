import { useState } from 'react'
import type { Board } from '../../shared/lab'
import type { Phase } from '../../shared/phases'
import { templatesForActivity } from '../../shared/templates'
import { tokenForLab } from '../access/boardAccess'
import { linkWithToken } from '../access/fragmentToken'
import { rememberLab } from '../access/rememberedLabs'
import { useClientConfig } from '../api/useClientConfig'
import { ArchivedBoards } from '../boards/ArchivedBoards'
import { BoardActionsDialog } from '../boards/BoardActionsDialog'
import { ImportTldrDialog } from '../boards/ImportTldrDialog'
import { LabBinSection } from '../boards/LabBinSection'
import { ErrorPanel } from '../components/ErrorPanel'
import { PageHeader } from '../components/PageHeader'
import { useI18n } from '../i18n/I18nProvider'
import { BoardInviteDialog } from '../lab/BoardInviteDialog'
import { CreateBoardDialog } from '../lab/CreateBoardDialog'
import { CurrentPhaseBoards } from '../lab/CurrentPhaseBoards'
import { InvitePanel } from '../lab/InvitePanel'
import { LabDetailsForm } from '../lab/LabDetailsForm'
import { LabSummary } from '../lab/LabSummary'
import { LiveIndicator } from '../lab/LiveIndicator'
import { MembersPanel } from '../lab/MembersPanel'
import { PhaseTimeline } from '../lab/PhaseTimeline'
import { useLab } from '../lab/useLab'
import { ReportButton } from '../report/ReportButton'
import { navigate } from '../router'

interface CreateRequest {
  phase: Phase
  template: string | null
  highlight?: readonly string[]
}

/**
 * `/lab/:labId`: where the lab stands, the boards of its current phase with who is on them
 * now, its journey through the four phases; kept up to date live, without a reload.
 */
export function LabPage({ labId }: { labId: string }) {
  const { t, explain } = useI18n()
  const [token] = useState(() => tokenForLab(labId))
  const { view, error, reload, update, presence, live, bin, setBin, applyBoard } = useLab(labId, token)
  const config = useClientConfig()
  const [editing, setEditing] = useState(false)
  const [creating, setCreating] = useState<CreateRequest | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const [inviting, setInviting] = useState<Board | null>(null)
  const [managing, setManaging] = useState<Board | null>(null)
  const [importing, setImporting] = useState(false)
  /** What the last board action did, said until the next one. */
  const [notice, setNotice] = useState<string | null>(null)

  if (!token) return <Shell><ErrorPanel message={t('error.noToken')} home /></Shell>
  if (error) return <Shell><ErrorPanel message={explain(error)} onRetry={reload} home /></Shell>
  if (!view) return <Shell><p className="fab-muted">{t('loading')}</p></Shell>

  const { lab, boards, role } = view
  const canEdit = role === 'facilitator'
  const boardHref = (board: Board) => linkWithToken(`/board/${board.id}`, token)
  const onInvite = canEdit ? (board: Board) => setInviting(board) : undefined
  const onManage = canEdit ? (board: Board) => setManaging(board) : undefined
  const boardDone = (board: Board, message: string) => {
    applyBoard(board)
    setNotice(message)
  }
  const newBoard = () => setCreating({ phase: lab.phase, template: null })
  const attempt = (promise: Promise<unknown>) => {
    setActionError(null)
    promise.catch((err: unknown) => setActionError(explain(err)))
  }

  return (
    <Shell>
      {editing ? (
        <LabDetailsForm lab={lab} onSave={update} onDone={() => setEditing(false)} />
      ) : (
        <LabSummary lab={lab} role={role} onEdit={canEdit ? () => setEditing(true) : undefined} status={<LiveIndicator state={live.state} />} />
      )}
      {live.state === 'stopped' && (
        <p className="fab-warning" role="alert" data-testid="lab-live-stopped">
          {t('labLive.stopped.help', { reason: explain(live.error) })}
        </p>
      )}
      {actionError && <ErrorPanel message={actionError} />}
      {notice && (
        <p className="fab-notice fab-boards-notice" role="status" data-testid="boards-notice">
          <span>{notice}</span>
          <button type="button" className="fab-link-button" onClick={() => setNotice(null)} aria-label={t('dialog.close')}>
            ✕
          </button>
        </p>
      )}
      <CurrentPhaseBoards
        lab={lab}
        boards={boards}
        presence={presence}
        boardHref={boardHref}
        onInvite={onInvite}
        onManage={onManage}
        onCreate={canEdit ? newBoard : undefined}
        onImport={canEdit ? () => setImporting(true) : undefined}
      />
      <section className="fab-journey">
        <div className="fab-section-head">
          <h2>{t('lab.journey')}</h2>
          <ReportButton lab={lab} boards={boards} token={token} />
        </div>
        <PhaseTimeline
          lab={lab}
          boards={boards}
          canEdit={canEdit}
          toolsFor={(activityId) => templatesForActivity(activityId)}
          boardHref={boardHref}
          presence={presence}
          onInvite={onInvite}
          onManage={onManage}
          onActivityState={(activityId, state) => attempt(update({ activities: { [activityId]: state } }))}
          onUseTool={(phase, template, activityId) =>
            setCreating({ phase, template, highlight: templatesForActivity(activityId).map((d) => d.id) })
          }
        />
      </section>
      <ArchivedBoards boards={boards.filter((b) => b.archived)} boardHref={boardHref} onManage={onManage} />
      {canEdit && (
        <LabBinSection
          labId={lab.id}
          token={token}
          boards={bin}
          onRestored={boardDone}
          onEmptied={(deleted, message) => {
            setBin((b) => (b ? b.filter((x) => !deleted.includes(x.id)) : b))
            setNotice(message)
          }}
        />
      )}
      <MembersPanel members={lab.members} canEdit={canEdit} onChange={(members) => update({ members })} />
      {canEdit && (
        <InvitePanel
          labId={lab.id}
          labTitle={lab.title}
          token={token}
          invitations={view.invitations}
          origin={config?.publicUrl ?? location.origin}
          onRotated={(rotated, next) => {
            if (rotated !== 'facilitator') return void reload()
            // This device keeps the new facilitator secret; the page starts again with it.
            rememberLab({ id: lab.id, title: lab.title, role: 'facilitator', token: next })
            location.replace(`/lab/${lab.id}`)
          }}
        />
      )}
      {managing && (
        <BoardActionsDialog
          board={boards.find((b) => b.id === managing.id) ?? managing}
          token={token}
          boardHref={boardHref}
          onDone={boardDone}
          onClose={() => setManaging(null)}
        />
      )}
      {importing && (
        <ImportTldrDialog
          labId={lab.id}
          token={token}
          initialPhase={lab.phase}
          boardHref={boardHref}
          onImported={(result) => applyBoard(result.board)}
          onClose={() => setImporting(false)}
        />
      )}
      {inviting && token && <BoardInviteDialog board={inviting} token={token} invitations={view.invitations} onClose={() => setInviting(null)} />}
      {creating && (
        <CreateBoardDialog
          labId={lab.id}
          token={token}
          initialPhase={creating.phase}
          initialTemplate={creating.template}
          highlight={creating.highlight}
          onClose={() => setCreating(null)}
          onCreated={(board) => {
            setCreating(null)
            void reload()
            location.assign(boardHref(board))
          }}
        />
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
      <main className="fab-main fab-main--wide">{children}</main>
    </div>
  )
}
