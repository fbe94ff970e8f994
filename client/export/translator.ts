import type { Lang } from '../../shared/lang'
import type { PluralBase } from '../i18n/I18nProvider'
import { MESSAGES, type MessageKey } from '../i18n/messages'

/** UI text in one language, with `{name}` placeholders filled. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** The words of one language for an export or a report. */
export interface ExportText {
  lang: Lang
  t: Translate
  /** `<base>.one` / `<base>.other` by the language's plural rules, `{n}` filled. */
  plural: (base: PluralBase, n: number, vars?: Record<string, string | number>) => string
  /** A date as people of that language write it: « 12 mars 2025 », “12 March 2025”. */
  date: (iso: string | Date) => string
}

/**
 * The texts of one language, outside React: an export or a report is written in the language
 * chosen for it, which may differ from the one the page is shown in.
 */
export function exportText(lang: Lang): ExportText {
  const messages = MESSAGES[lang]
  const t: Translate = (key, vars) => (vars ? messages[key].replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : messages[key])
  const rules = new Intl.PluralRules(lang)
  return {
    lang,
    t,
    plural: (base, n, vars) => {
      const exact = `${base}.${rules.select(n)}`
      return t((exact in messages ? exact : `${base}.other`) as MessageKey, { n, ...vars })
    },
    date: (iso) => {
      const date = typeof iso === 'string' ? new Date(iso.length === 10 ? `${iso}T12:00:00` : iso) : iso
      if (Number.isNaN(date.getTime())) return String(iso)
      return date.toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' })
    },
  }
}
