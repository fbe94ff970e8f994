/** UI languages, French first. */
export const LANGS = ['fr', 'en'] as const
export type Lang = (typeof LANGS)[number]

export function isLang(value: unknown): value is Lang {
  return value === 'fr' || value === 'en'
}
