import type { PersonOnBoard } from '../../shared/lab'
import { useI18n } from '../i18n/I18nProvider'

/** Initials of a name (« Nadia Benali » → NB); « ? » for someone without one. */
export function initials(name: string): string {
  const words = name.trim().split(/[\s\-_.]+/u).filter(Boolean)
  const letters = words.slice(0, 2).map((w) => [...w][0]!.toUpperCase())
  return letters.join('') || '?'
}

/** Dark or white text, whichever reads on `color` (people may pick light colours in tldraw). */
function inkOn(color: string): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1]
  if (!hex) return '#fff'
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255) as [number, number, number]
  return 0.299 * r + 0.587 * g + 0.114 * b > 0.62 ? '#1d2b36' : '#fff'
}

/**
 * Who is on a board now: coloured initials (their cursor colour), then how many. `compact`
 * for a line of the journey; the full size for a board card.
 */
export function PeopleOnBoard({ people, compact = false, max = compact ? 3 : 5 }: { people: readonly PersonOnBoard[]; compact?: boolean; max?: number }) {
  const { t, plural } = useI18n()
  const shown = people.slice(0, people.length > max ? max - 1 : max)
  const hidden = people.length - shown.length
  const nameOf = (p: PersonOnBoard) => p.name || t('labLive.anonymous')
  const names = people.map((p) => t('labLive.person', { name: nameOf(p), role: t(`role.${p.role}`) })).join(', ')
  return (
    <div className={`fab-people${compact ? ' fab-people--compact' : ''}`} data-testid="board-people" data-count={people.length} title={names || undefined}>
      {people.length > 0 && (
        <ul className="fab-people__avatars" aria-label={names}>
          {shown.map((p) => (
            <li
              key={p.identityId}
              className={`fab-avatar fab-avatar--${p.role}`}
              style={{ background: p.color, color: inkOn(p.color) }}
              title={t('labLive.person', { name: nameOf(p), role: t(`role.${p.role}`) })}
              data-testid="board-person"
              data-name={p.name}
            >
              {initials(p.name)}
            </li>
          ))}
          {hidden > 0 && (
            <li className="fab-avatar fab-avatar--more" title={t('labLive.people.more', { n: hidden })}>
              +{hidden}
            </li>
          )}
        </ul>
      )}
      {!compact && <span className="fab-people__count">{people.length === 0 ? t('labLive.people.none') : plural('labLive.people', people.length)}</span>}
      {compact && people.length > 0 && <span className="fab-visually-hidden">{plural('labLive.people', people.length)}</span>}
    </div>
  )
}
