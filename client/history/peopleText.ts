import type { PersonRef } from '../../shared/history'
import type { Lang } from '../../shared/lang'

/** Names shown before « et 3 autres personnes ». */
const SHOWN = 4

/**
 * People as a sentence reads them: « Alice, Bob et Chloé », or the first few and how many
 * more (`more(n)` words the rest).
 */
export function peopleText(people: readonly PersonRef[], lang: Lang, more: (n: number) => string): string {
  const names = people.map((p) => p.name.trim() || '?')
  const shown = names.length > SHOWN + 1 ? [...names.slice(0, SHOWN), more(names.length - SHOWN)] : names
  return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(shown)
}
