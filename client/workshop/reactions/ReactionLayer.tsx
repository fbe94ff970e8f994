import { useState } from 'react'
import { useValue, type Editor } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import type { ReactionEvent, Workshop } from '../Workshop'
import { REACTION_NAMES, ReactionGlyph } from './ReactionGlyph'

/** Margin kept from the screen's edges, px. */
const EDGE = 56

/** Where a reaction floats: at its sender's cursor when it is on screen, else along the right edge. */
function placeReaction(editor: Editor, senderId: string, key: number, self: boolean): { x: number; y: number } {
  const screen = editor.getViewportScreenBounds()
  const inside = (p: { x: number; y: number }) => p.x >= EDGE / 2 && p.y >= EDGE && p.x <= screen.w - EDGE / 2 && p.y <= screen.h - EDGE
  let point: { x: number; y: number } | null = null
  if (self) point = editor.pageToViewport(editor.inputs.getCurrentPagePoint())
  else {
    const presence = editor.getCollaborators().find((c) => c.userId === `user:${senderId}` && c.currentPageId === editor.getCurrentPageId())
    if (presence?.cursor) point = editor.pageToViewport(presence.cursor)
  }
  if (point && inside(point)) return point
  // Unknown or off screen: the right edge, spread along its height so that several stay apart.
  const spread = ((key * 0.618) % 1) * Math.max(1, screen.h - 3 * EDGE)
  return { x: screen.w - EDGE, y: 1.5 * EDGE + spread }
}

/**
 * Reactions floating up briefly near their sender's cursor on every screen, with the sender's
 * name. Without motion (reduced motion) they simply appear and fade.
 */
export function ReactionLayer({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const { t } = useI18n()
  const reactions = useValue('fabrique reactions', () => workshop.$reactions.get(), [workshop])
  if (reactions.length === 0) return null
  return (
    <div className="fab-reaction-layer" aria-live="polite">
      {reactions.map((r) => (
        <FloatingReaction key={r.key} editor={editor} reaction={r} self={r.from.id === workshop.identityId} label={t('react.from', { emoji: t(REACTION_NAMES[r.emoji]), name: r.from.name })} onDone={() => workshop.reactionDone(r.key)} />
      ))}
    </div>
  )
}

function FloatingReaction({ editor, reaction, self, label, onDone }: { editor: Editor; reaction: ReactionEvent & { key: number }; self: boolean; label: string; onDone: () => void }) {
  // Placed once, where the sender was when it arrived.
  const [place] = useState(() => placeReaction(editor, reaction.from.id, reaction.key, self))
  return (
    <div className="fab-reaction" style={{ left: place.x, top: place.y }} data-testid="reaction" data-emoji={reaction.emoji} data-from={reaction.from.id} onAnimationEnd={onDone} role="img" aria-label={label}>
      <ReactionGlyph emoji={reaction.emoji} size={40} />
      <span className="fab-reaction__name" style={{ background: reaction.from.color }}>
        {reaction.from.name}
      </span>
    </div>
  )
}
