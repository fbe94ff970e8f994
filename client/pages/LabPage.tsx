import { useState } from 'react'
import type { Board } from '../../shared/lab'
import type { Phase } from '../../shared/phases'
import { templatesForActivity } from '../../shared/templates'
import { tokenForLab } from '../access/boardAccess'
import { linkWithToken } from '../access/fragmentToken'
import { rememberLab } from '../access/rememberedLabs'
import { useClientConfig } from '../api/useClientConfig'
import { ErrorPanel } from '../components/ErrorPanel'
import { PageHeader } from '../components/PageHeader'
import { useI18n } from '../i18n/I18nProvider'
import { CreateBoardDialog } from '../lab/CreateBoardDialog'
import { InvitePanel } from '../lab/InvitePanel'
import { LabDetailsForm } from '../lab/LabDetailsForm'
import { LabSummary } from '../lab/LabSummary'
import { MembersPanel } from '../lab/MembersPanel'
import { PhaseTimeline } from '../lab/PhaseTimeline'
import { useLab } from '../lab/useLab'
import { navigate } from '../router'

interface CreateRequest {
  phase: Phase
  template: string | null
  highlight?: readonly string[]
}

/** `/lab/:labId`: where the lab stands, its journey through the four phases, its boards. */
export function LabPage({ labId }: { labId: string }) {
  const { t, explain } = useI18n()
  const [token] = useState(() => tokenForLab(labId))
  const { view, error, reload, update } = useLab(labId, token)
  const config = useClientConfig()
  const [editing, setEditing] = useState(false)
  const [creating, setCreating] = useState<CreateRequest | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)

  if (!token) return <Shell><ErrorPanel message={t('error.noToken')} home /></Shell>
  if (error) return <Shell><ErrorPanel message={explain(error)} onRetry={reload} home /></Shell>
  if (!view) return <Shell><p className="fab-muted">{t('loading')}</p></Shell>

  const { lab, boards, role } = view
  const canEdit = role === 'facilitator'
  const boardHref = (board: Board) => linkWithToken(`/board/${board.id}`, token)
  const attempt = (promise: Promise<unknown>) => {
    setActionError(null)
    promise.catch((err: unknown) => setActionError(explain(err)))
  }

  return (
    <Shell>
      {editing ? (
        <LabDetailsForm lab={lab} onSave={update} onDone={() => setEditing(false)} />
      ) : (
        <LabSummary lab={lab} role={role} onEdit={canEdit ? () => setEditing(true) : undefined} />
      )}
      {actionError && <ErrorPanel message={actionError} />}
      <section className="fab-journey">
        <div className="fab-section-head">
          <h2>{t('lab.journey')}</h2>
          {canEdit && (
            <button type="button" className="fab-button fab-button--primary" onClick={() => setCreating({ phase: lab.phase, template: null })} data-testid="new-board">
              {t('board.create.title')}
            </button>
          )}
        </div>
        <PhaseTimeline
          lab={lab}
          boards={boards}
          canEdit={canEdit}
          toolsFor={(activityId) => templatesForActivity(activityId)}
          boardHref={boardHref}
          onActivityState={(activityId, state) => attempt(update({ activities: { [activityId]: state } }))}
          onUseTool={(phase, template, activityId) =>
            setCreating({ phase, template, highlight: templatesForActivity(activityId).map((d) => d.id) })
          }
        />
      </section>
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
