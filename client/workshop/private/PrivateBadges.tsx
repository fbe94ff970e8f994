import { useValue, type Editor } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import { shapeOnScreen, type ScreenBox } from '../boardShapes'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'
import { PRIVATE_ROUND_META } from '../../../shared/workshop/privateRound'

/** A lock on each of this person's private notes (visible to them only until the reveal). */
export function PrivateBadges({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const { t } = useI18n()
  const placed = useValue(
    'fabrique private notes on screen',
    () => {
      const ids = workshop.privateWriter.$ids.get()
      if (ids.size === 0) return []
      const viewport = editor.getViewportPageBounds()
      const out: { id: string; box: ScreenBox }[] = []
      for (const id of ids) {
        const box = shapeOnScreen(editor, id, viewport)
        if (box) out.push({ id, box })
      }
      return out
    },
    [editor, workshop],
  )
  if (placed.length === 0) return null
  return (
    <div className="fab-private-layer">
      {placed.map(({ id, box }) => (
        <span key={id} className="fab-private-badge" style={{ left: box.x + 4, top: box.y + 4 }} data-testid="private-badge" data-shape-id={id} title={t('private.badge.help')}>
          <WorkshopIcon name="lock" size={12} />
          {box.w >= 90 && <span>{t('private.badge')}</span>}
        </span>
      ))}
    </div>
  )
}

/** After a private round's reveal: each revealed note with its author's name, while shown. */
export function AuthorTags({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const placed = useValue(
    'fabrique authors on screen',
    () => {
      const round = workshop.$privateRound.get()
      if (round?.status !== 'revealed' || !round.authors || !workshop.$showAuthors.get()) return []
      const authors = round.authors
      const viewport = editor.getViewportPageBounds()
      const out: { id: string; box: ScreenBox; name: string; color: string }[] = []
      for (const shape of editor.getCurrentPageShapes()) {
        if (shape.type !== 'note') continue
        // Only the notes this round revealed (the server marks them), not every note of its authors.
        const { author, [PRIVATE_ROUND_META]: revealedBy } = shape.meta as Record<string, unknown>
        if (revealedBy !== round.id) continue
        const who = typeof author === 'string' ? authors[author] : undefined
        if (!who) continue
        const box = shapeOnScreen(editor, shape.id, viewport)
        if (box && box.w >= 40) out.push({ id: shape.id, box, name: who.name, color: who.color })
      }
      return out
    },
    [editor, workshop],
  )
  if (placed.length === 0) return null
  return (
    <div className="fab-private-layer">
      {placed.map(({ id, box, name, color }) => (
        <span key={id} className="fab-author-tag" style={{ left: box.x + 4, top: box.y - 4, maxWidth: Math.max(40, box.w - 8), borderColor: color }} data-testid="author-tag" data-shape-id={id}>
          <span className="fab-author-tag__dot" style={{ background: color }} />
          {name}
        </span>
      ))}
    </div>
  )
}
