import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { usePassThroughWheelEvents, useValue, type Editor } from 'tldraw'
import { AgendaStrip } from './agenda/AgendaStrip'
import { FollowBanner } from './follow/FollowBanner'
import { PrivateRoundBanner } from './private/PrivateRoundBanner'
import { TimerChip } from './timer/TimerChip'
import { VoteStatus } from './vote/VoteStatus'
import type { Workshop } from './Workshop'

/** Space between the strip, the board bar and tldraw's panels, px. */
const GAP = 6
/** How long a notice stays, ms. */
const NOTICE_MS = 4000

/** tldraw's panels at the top that the strip must not cover (the board bar is the strip's anchor). */
const TOP_PANELS = ['.tlui-menu-zone', '.tlui-helper-buttons', '.tlui-share-zone', '.tlui-style-panel__wrapper'] as const

interface Place {
  top: number
  left: number
  maxWidth: number
}

/**
 * Under the board bar, centred in the room tldraw's top panels leave on that line: below the
 * bar, and below any panel that would leave it narrower than `minWidth`.
 */
function placeStrip(container: HTMLElement, strip: HTMLElement, minWidth: number): Place {
  const origin = container.getBoundingClientRect()
  const width = origin.width
  const bar = container.querySelector('.fab-board-bar')?.getBoundingClientRect()
  let top = bar && bar.height > 0 ? bar.bottom - origin.top + GAP : 56
  const height = Math.max(strip.offsetHeight, 32)
  const panels = TOP_PANELS.flatMap((s) => [...container.querySelectorAll(s)])
    .map((el) => el.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.height > 0)
    .map((r) => ({ left: r.left - origin.left, right: r.right - origin.left, top: r.top - origin.top, bottom: r.bottom - origin.top }))
  for (let guard = 0; guard < 4; guard++) {
    let left = GAP
    let right = width - GAP
    const across = panels.filter((p) => p.top < top + height && p.bottom > top)
    for (const p of across) {
      // A panel on the left half pushes the strip's left edge, one on the right half its right edge.
      if (p.left + p.right < width) left = Math.max(left, p.right + GAP)
      else right = Math.min(right, p.left - GAP)
    }
    if (right - left >= minWidth || across.length === 0) return { top, left: (left + right) / 2, maxWidth: Math.max(0, right - left) }
    // Too narrow beside those panels: go below the shortest of them.
    top = Math.min(...across.map((p) => p.bottom)) + GAP
  }
  return { top, left: width / 2, maxWidth: width - 2 * GAP }
}

/**
 * The workshop's live state in one column under the board bar: whom you follow, the agenda's
 * step, the timer, the vote, the private round, a short notice. Empty when nothing is going on.
 */
export function WorkshopStrip({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const ref = useRef<HTMLDivElement>(null)
  const [place, setPlace] = useState<Place | null>(null)
  usePassThroughWheelEvents(ref)
  const active = useValue(
    'fabrique workshop strip active',
    () => !!(workshop.$follow.get() || workshop.$agenda.get().current !== null || workshop.$timer.get() || workshop.$vote.get() || workshop.$privateRound.get() || workshop.$notice.get()),
    [workshop],
  )
  const notice = useValue('fabrique workshop notice', () => workshop.$notice.get(), [workshop])
  const presenting = useValue('fabrique presenting', () => workshop.$agenda.get().current !== null, [workshop])
  useEffect(() => {
    if (!notice) return
    const timer = setTimeout(() => workshop.$notice.get()?.key === notice.key && workshop.$notice.set(null), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice, workshop])

  useLayoutEffect(() => {
    const strip = ref.current
    if (!strip || !active) return
    const container = editor.getContainer()
    const update = () => {
      const next = placeStrip(container, strip, Math.min(320, container.clientWidth - 2 * GAP))
      setPlace((prev) => (prev && Math.abs(prev.top - next.top) < 0.5 && Math.abs(prev.left - next.left) < 0.5 && Math.abs(prev.maxWidth - next.maxWidth) < 0.5 ? prev : next))
    }
    update()
    // tldraw's panels change with the window, the selection and the tools: follow them.
    const observer = new ResizeObserver(update)
    observer.observe(container)
    observer.observe(strip)
    const bar = container.querySelector('.fab-board-bar')
    if (bar) observer.observe(bar)
    const timer = setInterval(update, 500)
    return () => {
      observer.disconnect()
      clearInterval(timer)
    }
  }, [editor, active])

  if (!active) return null
  return (
    <div
      ref={ref}
      className="fab-workshop-strip"
      data-testid="workshop-strip"
      data-placed={place ? '' : undefined}
      style={place ? { top: place.top, left: place.left, maxWidth: place.maxWidth } : { visibility: 'hidden' }}
      onPointerDown={(e) => editor.markEventAsHandled(e)}
      onPointerUp={(e) => editor.markEventAsHandled(e)}
    >
      <FollowBanner workshop={workshop} />
      {/* While presenting, the step's timer is on the step's line. */}
      <AgendaStrip workshop={workshop}>{presenting && <TimerChip workshop={workshop} embedded />}</AgendaStrip>
      {!presenting && <TimerChip workshop={workshop} />}
      <VoteStatus workshop={workshop} />
      <PrivateRoundBanner workshop={workshop} />
      {notice && (
        <div className="fab-strip-row fab-workshop-notice" role="status" data-testid="workshop-notice">
          {notice.text}
        </div>
      )}
    </div>
  )
}
