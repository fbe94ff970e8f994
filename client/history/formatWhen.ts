import type { Lang } from '../../shared/lang'

/**
 * A moment as people read it in a timeline: « 12 mars 2027, 16 h 05 » in French (the
 * typographic hour), « 12 March 2027, 16:05 » in English; in the device's time zone.
 */
export function formatWhen(iso: string, lang: Lang): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const day = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(date)
  const hours = date.getHours()
  const minutes = String(date.getMinutes()).padStart(2, '0')
  return lang === 'fr' ? `${day}, ${hours} h ${minutes}` : `${day}, ${String(hours).padStart(2, '0')}:${minutes}`
}

/** The day only (« 12 mars 2027 »), to group a timeline. */
export function formatDay(iso: string, lang: Lang): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(date)
}

/** The time only (« 16 h 05 »). */
export function formatTime(iso: string, lang: Lang): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const minutes = String(date.getMinutes()).padStart(2, '0')
  return lang === 'fr' ? `${date.getHours()} h ${minutes}` : `${String(date.getHours()).padStart(2, '0')}:${minutes}`
}
