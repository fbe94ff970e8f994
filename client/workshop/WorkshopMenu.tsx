import { useCallback, useRef, useState, type ReactNode } from 'react'
import { useEditor, useValue } from 'tldraw'
import { freeArea } from '../board/camera/framing'
import { useI18n } from '../i18n/I18nProvider'
import { visiblePageBounds } from './boardShapes'
import { outcomeText } from './outcomeText'
import { Popover } from '../components/Popover'
import { ReactionButtons, ReactionPicker } from './reactions/ReactionPicker'
import type { Workshop, WorkshopPanel } from './Workshop'
import { useWorkshop } from './WorkshopContext'
import { WorkshopIcon, type WorkshopIconName } from './WorkshopIcon'

function MenuItem({ icon, children, onSelect, testId, pressed }: { icon: WorkshopIconName; children: ReactNode; onSelect: () => void; testId: string; pressed?: boolean }) {
  return (
    <button type="button" role={pressed === undefined ? 'menuitem' : 'menuitemcheckbox'} aria-checked={pressed} className="fab-menu__item" data-testid={testId} onClick={onSelect}>
      <WorkshopIcon name={icon} size={18} />
      <span>{children}</span>
    </button>
  )
}

/**
 * The facilitator's workshop tools, one button in the board bar opening a menu (it fits a
 * 360 px phone): timer, vote, bring everyone here, follow me, agenda and present, private
 * writing round, past votes, and reactions.
 */
function FacilitatorMenu({ workshop }: { workshop: Workshop }) {
  const { t } = useI18n()
  const editor = useEditor()
  const [open, setOpen] = useState(false)
  const anchor = useRef<HTMLButtonElement>(null)
  const close = useCallback(() => setOpen(false), [])
  const follow = useValue('fabrique follow', () => workshop.$follow.get(), [workshop])
  const hasRecords = useValue('fabrique has vote records', () => workshop.$voteRecords.get().length > 0, [workshop])
  const leading = follow?.leaderId === workshop.identityId
  const panel = (name: WorkshopPanel) => () => {
    close()
    workshop.$panel.set(name)
  }
  const run = async (command: Parameters<Workshop['run']>[0], done?: string) => {
    close()
    const failure = outcomeText(await workshop.run(command), t)
    if (failure) workshop.notify(failure)
    else if (done) workshop.notify(done)
  }
  const bring = () => {
    const b = visiblePageBounds(editor, freeArea(editor))
    void run({ type: 'view.bring', target: { kind: 'bounds', x: b.x, y: b.y, w: b.w, h: b.h } }, t('bring.done'))
  }
  return (
    <>
      <button
        ref={anchor}
        type="button"
        className="fab-board-bar__action"
        aria-haspopup="menu"
        aria-expanded={open}
        title={t('workshop.tools')}
        data-testid="open-workshop-tools"
        onClick={() => setOpen(!open)}
      >
        <WorkshopIcon name="tools" size={16} />
        <span className="fab-board-bar__action-label">{t('workshop.menu')}</span>
      </button>
      {open && (
        <Popover anchor={anchor} onClose={close} label={t('workshop.tools')} testId="workshop-menu" className="fab-menu">
          <MenuItem icon="timer" testId="tool-timer" onSelect={panel('timer')}>
            {t('timer.menu')}
          </MenuItem>
          <MenuItem icon="dot" testId="tool-vote" onSelect={panel('vote')}>
            {t('vote.menu')}
          </MenuItem>
          <MenuItem icon="bring" testId="tool-bring" onSelect={bring}>
            {t('bring.menu')}
          </MenuItem>
          <MenuItem icon="follow" testId="tool-follow" pressed={leading} onSelect={() => void run({ type: leading ? 'follow.stop' : 'follow.start' })}>
            {leading ? t('follow.stop') : t('follow.start')}
          </MenuItem>
          <MenuItem icon="agenda" testId="tool-agenda" onSelect={panel('agenda')}>
            {t('agenda.menu')}
          </MenuItem>
          <MenuItem icon="lock" testId="tool-private" onSelect={panel('private')}>
            {t('private.menu')}
          </MenuItem>
          {hasRecords && (
            <MenuItem icon="history" testId="tool-history" onSelect={panel('history')}>
              {t('vote.history.menu')}
            </MenuItem>
          )}
          <div className="fab-menu__reactions" role="group" aria-label={t('react.title')}>
            <ReactionButtons workshop={workshop} />
          </div>
        </Popover>
      )}
    </>
  )
}

/** Participants and viewers: past votes to read again, when there are some. */
function ParticipantMenu({ workshop }: { workshop: Workshop }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const anchor = useRef<HTMLButtonElement>(null)
  const close = useCallback(() => setOpen(false), [])
  const hasRecords = useValue('fabrique has vote records', () => workshop.$voteRecords.get().length > 0, [workshop])
  if (!hasRecords) return null
  return (
    <>
      <button ref={anchor} type="button" className="fab-board-bar__action fab-board-bar__action--icon" aria-haspopup="menu" aria-expanded={open} title={t('workshop.menu.participant')} aria-label={t('workshop.menu.participant')} data-testid="open-workshop-menu" onClick={() => setOpen(!open)}>
        <WorkshopIcon name="history" size={18} />
      </button>
      {open && (
        <Popover anchor={anchor} onClose={close} label={t('workshop.menu.participant')} testId="workshop-menu" className="fab-menu">
          <MenuItem
            icon="history"
            testId="tool-history"
            onSelect={() => {
              close()
              workshop.$panel.set('history')
            }}
          >
            {t('vote.history.menu')}
          </MenuItem>
        </Popover>
      )}
    </>
  )
}

/** The facilitator's tools button, among the bar's facilitator tools. */
export function WorkshopToolsButton() {
  const workshop = useWorkshop()
  if (!workshop?.isFacilitator) return null
  return <FacilitatorMenu workshop={workshop} />
}

/** Participants' buttons in the bar: react, past votes. */
export function WorkshopParticipantButtons() {
  const workshop = useWorkshop()
  if (!workshop || workshop.isFacilitator) return null
  return (
    <span className="fab-board-bar__workshop">
      {workshop.canTakePart && <ReactionPicker workshop={workshop} />}
      <ParticipantMenu workshop={workshop} />
    </span>
  )
}
