import { useCallback, useRef, useState } from 'react'
import { REACTIONS, type Reaction } from '../../../shared/workshop/reactions'
import { useI18n } from '../../i18n/I18nProvider'
import { Popover } from '../../components/Popover'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'
import { REACTION_NAMES, ReactionGlyph } from './ReactionGlyph'

/** The six reactions as big buttons; a refused one (too many too fast) is said quietly. */
export function ReactionButtons({ workshop }: { workshop: Workshop }) {
  const { t } = useI18n()
  const [slow, setSlow] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const send = async (emoji: Reaction) => {
    const outcome = await workshop.run({ type: 'react', emoji })
    if (outcome.ok || outcome.code !== 'rate-limited') return
    setSlow(true)
    if (timer.current) clearTimeout(timer.current)
    timer.current = setTimeout(() => setSlow(false), 1500)
  }
  return (
    <div className="fab-reactions" data-slow={slow || undefined}>
      {REACTIONS.map((emoji) => (
        <button key={emoji} type="button" className="fab-reactions__button" data-testid="reaction-send" data-emoji={emoji} title={t(REACTION_NAMES[emoji])} aria-label={t('react.send', { emoji: t(REACTION_NAMES[emoji]) })} onClick={() => void send(emoji)}>
          <ReactionGlyph emoji={emoji} />
        </button>
      ))}
      {slow && (
        <span className="fab-reactions__slow" role="status">
          {t('react.slowDown')}
        </span>
      )}
    </div>
  )
}

/** The board bar's reaction button: opens the picker under it. */
export function ReactionPicker({ workshop }: { workshop: Workshop }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const anchor = useRef<HTMLButtonElement>(null)
  const close = useCallback(() => setOpen(false), [])
  return (
    <>
      <button
        ref={anchor}
        type="button"
        className="fab-board-bar__action fab-board-bar__action--icon"
        aria-haspopup="dialog"
        aria-expanded={open}
        title={t('react.title')}
        aria-label={t('react.title')}
        data-testid="open-reactions"
        onClick={() => setOpen(!open)}
      >
        <WorkshopIcon name="smile" size={18} />
      </button>
      {open && (
        <Popover anchor={anchor} onClose={close} label={t('react.title')} role="dialog" testId="reaction-picker">
          <ReactionButtons workshop={workshop} />
        </Popover>
      )}
    </>
  )
}
