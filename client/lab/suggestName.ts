import type { Lang } from '../../shared/lang'
import { SUGGESTED_NAMES } from '../i18n/labLiveMessages'

function pickOne<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!
}

/**
 * A friendly name in the UI language (« Loutre curieuse », “Curious Fox”), offered to someone
 * joining a board for the first time so that joining is one tap; they can type theirs instead,
 * or change it later from the board's menu.
 */
export function suggestName(lang: Lang, random: () => number = Math.random): string {
  if (lang === 'en') return `${pickOne(SUGGESTED_NAMES.en.adjectives, random)} ${pickOne(SUGGESTED_NAMES.en.animals, random)}`
  const { masculine, feminine, adjectives } = SUGGESTED_NAMES.fr
  const isFeminine = random() < 0.5
  const animal = pickOne(isFeminine ? feminine : masculine, random)
  const [masc, fem] = pickOne(adjectives, random)
  return `${animal} ${isFeminine ? fem : masc}`
}
