import { useEffect, useState } from 'react'
import { useValue } from 'tldraw'
import type { Workshop } from '../Workshop'

/**
 * The server's time as this device estimates it (its clock corrected by the measured offset),
 * refreshed `everyMs` while `active`: what timers count down from.
 */
export function useServerNow(workshop: Workshop, active: boolean, everyMs = 250): number {
  const offset = useValue('fabrique clock offset', () => workshop.clock.$offset.get(), [workshop])
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [active, everyMs])
  return now + offset
}
