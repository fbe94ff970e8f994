import { createPortal } from 'react-dom'
import { useEditor, type Editor } from 'tldraw'
import { ZoneNavigator } from '../board/camera/ZoneNavigator'
import { useBringHandler } from './follow/useBringHandler'
import { useFollowLeader } from './follow/useFollowLeader'
import { AuthorTags, PrivateBadges } from './private/PrivateBadges'
import { ReactionLayer } from './reactions/ReactionLayer'
import { BigTimer } from './timer/BigTimer'
import { useTimerBell } from './timer/useTimerBell'
import { BallotList } from './vote/BallotList'
import { VoteDots } from './vote/VoteDots'
import { VoteResultsPanel } from './vote/VoteResultsPanel'
import type { Workshop } from './Workshop'
import { useWorkshop } from './WorkshopContext'
import { WorkshopDialogs } from './WorkshopDialogs'
import { WorkshopStrip } from './WorkshopStrip'

/**
 * Everything in front of the canvas: the zone bar, and the workshop's layer — the strip under
 * the board bar, dots and counts on notes, private badges and authors, reactions, the big timer,
 * the panels and dialogs — with the behaviours that move the camera (bring, follow).
 */
export function WorkshopLayer() {
  const workshop = useWorkshop()
  const editor = useEditor()
  return (
    <>
      <ZoneNavigator />
      {workshop && <WorkshopParts workshop={workshop} editor={editor} />}
    </>
  )
}

function WorkshopParts({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  useBringHandler(editor, workshop)
  useFollowLeader(editor, workshop)
  useTimerBell(workshop)
  return (
    <>
      <VoteDots workshop={workshop} editor={editor} />
      <PrivateBadges workshop={workshop} editor={editor} />
      <AuthorTags workshop={workshop} editor={editor} />
      <ReactionLayer workshop={workshop} editor={editor} />
      <WorkshopStrip workshop={workshop} editor={editor} />
      <BigTimer workshop={workshop} />
      <VoteResultsPanel workshop={workshop} editor={editor} />
      <BallotList workshop={workshop} editor={editor} />
      {createPortal(<WorkshopDialogs workshop={workshop} editor={editor} />, document.body)}
    </>
  )
}
