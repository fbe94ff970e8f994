import { useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react'
import { createPortal } from 'react-dom'

/** Space between the trigger and the popover, and from the window's edges, px. */
const GAP = 6

/**
 * A small panel under the button that opened it (a menu, the reaction picker), kept inside the
 * window; a tap elsewhere or Escape closes it and gives the focus back to the button.
 */
export function Popover({
  anchor,
  onClose,
  children,
  label,
  role = 'menu',
  testId,
  className = '',
}: {
  anchor: RefObject<HTMLElement | null>
  onClose: () => void
  children: ReactNode
  label: string
  role?: 'menu' | 'dialog'
  testId?: string
  className?: string
}) {
  const ref = useRef<HTMLDivElement>(null)
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null)
  useLayoutEffect(() => {
    const el = ref.current
    const trigger = anchor.current
    if (!el || !trigger) return
    const r = trigger.getBoundingClientRect()
    const width = el.offsetWidth
    const left = Math.max(GAP, Math.min(r.left + r.width / 2 - width / 2, innerWidth - width - GAP))
    setPlace({ left, top: r.bottom + GAP })
    // The first item takes the focus, for the keyboard.
    el.querySelector<HTMLElement>('button:not([disabled]), [href], input, select')?.focus()
  }, [anchor])
  useLayoutEffect(() => {
    const close = (restoreFocus: boolean) => {
      onClose()
      if (restoreFocus) anchor.current?.focus()
    }
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node
      if (!ref.current?.contains(target) && !anchor.current?.contains(target)) close(false)
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        close(true)
        return
      }
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return
      const items = [...(ref.current?.querySelectorAll<HTMLElement>('button:not([disabled])') ?? [])]
      const index = items.indexOf(document.activeElement as HTMLElement)
      if (index < 0) return
      e.preventDefault()
      const delta = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : -1
      items[(index + delta + items.length) % items.length]?.focus()
    }
    addEventListener('pointerdown', onDown, true)
    addEventListener('keydown', onKey, true)
    return () => {
      removeEventListener('pointerdown', onDown, true)
      removeEventListener('keydown', onKey, true)
    }
  }, [anchor, onClose])
  return createPortal(
    <div
      ref={ref}
      className={`fab-popover ${className}`}
      role={role}
      aria-label={label}
      data-testid={testId}
      style={place ? { left: place.left, top: place.top } : { visibility: 'hidden', left: 0, top: 0 }}
    >
      {children}
    </div>,
    document.body,
  )
}
