import { useValue, type Editor } from 'tldraw'
import { AgendaDialog } from './agenda/AgendaDialog'
import { PrivateRoundDialog } from './private/PrivateRoundDialog'
import { TimerDialog } from './timer/TimerDialog'
import { VoteHistoryDialog } from './vote/VoteHistoryDialog'
import { VoteOpenDialog } from './vote/VoteOpenDialog'
import type { Workshop } from './Workshop'

/** The one workshop dialog open now, if any (chosen from the bar's menu). */
export function WorkshopDialogs({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const panel = useValue('fabrique workshop panel', () => workshop.$panel.get(), [workshop])
  const close = () => workshop.$panel.set(null)
  switch (panel) {
    case 'timer':
      return workshop.isFacilitator ? <TimerDialog workshop={workshop} onClose={close} /> : null
    case 'vote':
      return workshop.isFacilitator ? <VoteOpenDialog workshop={workshop} editor={editor} onClose={close} /> : null
    case 'agenda':
      return workshop.isFacilitator ? <AgendaDialog workshop={workshop} editor={editor} onClose={close} /> : null
    case 'private':
      return workshop.isFacilitator ? <PrivateRoundDialog workshop={workshop} onClose={close} /> : null
    case 'history':
      return <VoteHistoryDialog workshop={workshop} onClose={close} />
    case null:
      return null
  }
}
