import { useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react'
import { useEditor, usePassThroughWheelEvents, useValue } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import { currentZoneIndex, showingOverview, stepZone, toggleOverview } from './navigation'
import { findZones } from './zones'

/** Space between the zone bar and tldraw's panels, px. */
const GAP = 8

interface Place {
  left: number
  top: number
}

/**
 * Where the zone bar goes, in the canvas container: beside tldraw's navigation panel at the
 * bottom-left when the room left of the toolbar holds it, else centred just above the toolbar.
 */
function placeBar(container: HTMLElement, bar: HTMLElement): Place {
  const origin = container.getBoundingClientRect()
  const width = bar.offsetWidth
  const height = bar.offsetHeight
  const rect = (selector: string) => {
    const r = container.querySelector(selector)?.getBoundingClientRect()
    return r && r.width > 0 && r.height > 0 ? r : null
  }
  const toolbar = rect('.tlui-main-toolbar__inner')
  const navigation = rect('.tlui-navigation-panel')
  const clampLeft = (left: number) => Math.max(GAP, Math.min(left, origin.width - width - GAP))
  if (!toolbar) return { left: clampLeft((origin.width - width) / 2), top: origin.height - height - GAP }
  const besideLeft = (navigation ? navigation.right - origin.left : 0) + GAP
  if (besideLeft + width + GAP <= toolbar.left - origin.left) {
    return { left: besideLeft, top: toolbar.bottom - origin.top - height }
  }
  return { left: clampLeft(toolbar.left - origin.left + (toolbar.width - width) / 2), top: toolbar.top - origin.top - height - GAP }
}

const chevron = (d: string) => (
  <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2.2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <path d={d} />
  </svg>
)

/**
 * The zone bar, in front of the canvas: previous zone, the current zone's name, next zone, and
 * the overview (everything; pressed again, back to the last zone). Only on boards with zones.
 */
export function ZoneNavigator() {
  const editor = useEditor()
  const { t } = useI18n()
  const zones = useValue('fabrique zones', () => findZones(editor, false), [editor])
  const index = useValue('fabrique zone in view', () => (zones.length ? currentZoneIndex(editor, zones) : -1), [editor, zones])
  const overview = useValue('fabrique overview shown', () => showingOverview(editor), [editor])
  const ref = useRef<HTMLDivElement>(null)
  const [place, setPlace] = useState<Place | null>(null)
  usePassThroughWheelEvents(ref)

  useLayoutEffect(() => {
    const bar = ref.current
    if (!bar) return
    const container = editor.getContainer()
    const update = () => {
      const next = placeBar(container, bar)
      setPlace((prev) => (prev && Math.abs(prev.left - next.left) < 0.5 && Math.abs(prev.top - next.top) < 0.5 ? prev : next))
    }
    update()
    // tldraw's panels change with the window, the tools and editing: follow them.
    const observer = new ResizeObserver(update)
    observer.observe(container)
    observer.observe(bar)
    const timer = setInterval(update, 500)
    return () => {
      observer.disconnect()
      clearInterval(timer)
    }
  }, [editor, zones.length > 0])

  if (!zones.length) return null
  const zone = index >= 0 ? zones[index] : undefined
  const atStart = index === 0
  const atEnd = index === zones.length - 1
  // The canvas must not start drawing under the bar.
  const handled = (e: ReactPointerEvent) => editor.markEventAsHandled(e)
  const press = (run: () => void, disabled: boolean) => () => {
    if (!disabled) run()
  }
  const position = zone ? t('zones.position', { n: index + 1, total: zones.length }) : ''
  const name = overview ? t('zones.overview.shown') : zone ? zone.name || position : ''
  return (
    <div
      ref={ref}
      className="fab-zone-nav"
      role="toolbar"
      aria-label={t('zones.toolbar')}
      data-testid="zone-nav"
      data-placed={place ? '' : undefined}
      data-zone-index={index}
      data-overview={overview ? 'true' : 'false'}
      style={place ? { left: place.left, top: place.top } : { visibility: 'hidden' }}
      onPointerDown={handled}
      onPointerUp={handled}
      onPointerMove={handled}
    >
      <button
        type="button"
        className="fab-zone-nav__button"
        data-testid="zone-previous"
        aria-label={t('zones.previous')}
        title={t('zones.previous')}
        aria-disabled={atStart || undefined}
        onClick={press(() => stepZone(editor, -1), atStart)}
      >
        {chevron('M15 5l-7 7 7 7')}
      </button>
      <span className="fab-zone-nav__name" data-testid="zone-name" aria-live="polite" title={zone && !overview ? `${position} · ${zone.name}` : name}>
        {zone && !overview && <span className="fab-zone-nav__position">{index + 1}/{zones.length}</span>}
        <span className="fab-zone-nav__label">{name}</span>
      </span>
      <button
        type="button"
        className="fab-zone-nav__button"
        data-testid="zone-next"
        aria-label={t('zones.next')}
        title={t('zones.next')}
        aria-disabled={atEnd || undefined}
        onClick={press(() => stepZone(editor, 1), atEnd)}
      >
        {chevron('M9 5l7 7-7 7')}
      </button>
      <button
        type="button"
        className="fab-zone-nav__button"
        data-testid="zone-overview"
        aria-label={overview ? t('zones.back') : t('zones.overview')}
        title={overview ? t('zones.back') : t('zones.overview')}
        aria-pressed={overview}
        onClick={() => toggleOverview(editor)}
      >
        <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
          <rect x="9" y="9" width="6" height="6" rx="1" />
        </svg>
      </button>
    </div>
  )
}
