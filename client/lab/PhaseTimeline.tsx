import type { ActivityState, Board, Lab, LabPresence } from '../../shared/lab'
import { ACTIVITIES, PHASE_INFO, PHASES, type Bilingual, type Phase } from '../../shared/phases'
import { ACTIVITY_STATES } from '../../shared/lab'
import { Icon } from '../components/Icon'
import { ManageBoardButton } from '../boards/ManageBoardButton'
import { useI18n } from '../i18n/I18nProvider'
import { PeopleOnBoard } from './PeopleOnBoard'

/** A template offered as a tool for an activity. */
export interface ActivityTool {
  id: string
  title: Bilingual
}

export interface PhaseTimelineProps {
  lab: Lab
  boards: Board[]
  canEdit: boolean
  toolsFor: (activityId: string) => ActivityTool[]
  boardHref: (board: Board) => string
  /** Who is on each board now. */
  presence: LabPresence
  /** Facilitators: opens a board's invitation links. */
  onInvite?: (board: Board) => void
  /** Facilitators: what can be done with a board (rename, duplicate, archive…). */
  onManage?: (board: Board) => void
  onActivityState: (activityId: string, state: ActivityState) => void
  onUseTool: (phase: Phase, templateId: string, activityId: string) => void
}

/**
 * Détection → Émergence → Expérimentation → Déploiement: for each phase its duration and
 * objective, its activities with their state and tools, and the boards made in it.
 */
export function PhaseTimeline({ lab, boards, canEdit, toolsFor, boardHref, presence, onInvite, onManage, onActivityState, onUseTool }: PhaseTimelineProps) {
  const { t, pick } = useI18n()
  const currentIndex = PHASES.indexOf(lab.phase)
  return (
    <ol className="fab-timeline" data-testid="timeline">
      {PHASES.map((phase, index) => {
        const info = PHASE_INFO[phase]
        const position = index < currentIndex ? 'past' : index === currentIndex ? 'current' : 'future'
        // Archived boards are kept out of the journey (they are under « Archives »).
        const phaseBoards = boards.filter((b) => b.phase === phase && !b.archived)
        return (
          <li key={phase} className={`fab-phase fab-phase--${position}`} data-testid={`phase-${phase}`} aria-current={position === 'current' ? 'step' : undefined}>
            <header className="fab-phase__head">
              <span className="fab-phase__number" aria-hidden="true">
                {index + 1}
              </span>
              <div>
                <h3>{pick(info.label)}</h3>
                <span className="fab-phase__duration">{pick(info.duration)}</span>
              </div>
              {position === 'current' && <span className="fab-chip fab-chip--current">{t('lab.currentPhase')}</span>}
            </header>
            <p className="fab-phase__objective">{pick(info.objective)}</p>
            <ul className="fab-activities">
              {ACTIVITIES.filter((a) => a.phase === phase).map((activity) => {
                const state = lab.activities[activity.id] ?? 'todo'
                const tools = toolsFor(activity.id)
                return (
                  <li key={activity.id} className={`fab-activity fab-activity--${state}`} data-testid={`activity-${activity.id}`} data-state={state}>
                    <div className="fab-activity__row">
                      {canEdit ? (
                        <select
                          className={`fab-state fab-state--${state}`}
                          value={state}
                          aria-label={`${t('activity.state')} — ${pick(activity.label)}`}
                          onChange={(e) => onActivityState(activity.id, e.target.value as ActivityState)}
                          data-testid="activity-state"
                        >
                          {ACTIVITY_STATES.map((s) => (
                            <option key={s} value={s}>
                              {t(`activity.${s}`)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span className={`fab-state fab-state--${state}`}>{t(`activity.${state}`)}</span>
                      )}
                      <span className="fab-activity__label">{pick(activity.label)}</span>
                    </div>
                    {tools.length > 0 && (
                      <div className="fab-tools" aria-label={t('lab.tools')}>
                        {tools.map((tool) =>
                          canEdit ? (
                            <button key={tool.id} type="button" className="fab-tool" onClick={() => onUseTool(phase, tool.id, activity.id)} data-testid={`tool-${tool.id}`}>
                              + {pick(tool.title)}
                            </button>
                          ) : (
                            <span key={tool.id} className="fab-tool fab-tool--static">
                              {pick(tool.title)}
                            </span>
                          ),
                        )}
                      </div>
                    )}
                  </li>
                )
              })}
            </ul>
            <div className="fab-phase__boards">
              <h4>{t('lab.phaseBoards')}</h4>
              {phaseBoards.length === 0 ? (
                <p className="fab-muted">{t('lab.phaseBoards.none')}</p>
              ) : (
                <ul>
                  {phaseBoards.map((board) => (
                    <li key={board.id} className="fab-phase__board" data-board-id={board.id}>
                      <a href={boardHref(board)} data-testid="board-link">
                        {board.title}
                      </a>
                      <PeopleOnBoard people={presence[board.id] ?? []} compact />
                      {onInvite && (
                        <button type="button" className="fab-icon-button" onClick={() => onInvite(board)} title={t('labLive.invite.button', { title: board.title })} aria-label={t('labLive.invite.button', { title: board.title })} data-testid="board-invite">
                          <Icon name="qr" />
                        </button>
                      )}
                      {onManage && <ManageBoardButton title={board.title} onClick={() => onManage(board)} compact />}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </li>
        )
      })}
    </ol>
  )
}
