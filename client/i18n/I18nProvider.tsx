import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { isLang, type Lang } from '../../shared/lang'
import type { Bilingual } from '../../shared/phases'
import { errorText } from './errorText'
import { MESSAGES, type MessageKey } from './messages'

const STORAGE_KEY = 'fabrique.lang'

interface I18n {
  lang: Lang
  setLang(lang: Lang): void
  /** The UI text for `key` in the current language, with `{name}` placeholders filled. */
  t(key: MessageKey, vars?: Record<string, string | number>): string
  /**
   * A text that depends on a count: `<base>.one`, `<base>.other`… chosen by the language's
   * plural rules (`Intl.PluralRules`: in French 0 and 1 are singular, in English only 1).
   */
  plural(base: PluralBase, count: number, vars?: Record<string, string | number>): string
  /** Picks the current language's side of a bilingual text. */
  pick(text: Bilingual): string
  /** What to tell the person about a failed request (the server's error code in their words). */
  explain(err: unknown): string
}

/** Keys that come as `<base>.one` and `<base>.other`. */
export type PluralBase = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never

const I18nContext = createContext<I18n | null>(null)

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY)
  return isLang(stored) ? stored : 'fr'
}

/** Provides the UI language: French unless the person chose English on this device. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang)
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next)
    document.documentElement.lang = next
    setLangState(next)
  }, [])
  const value = useMemo<I18n>(() => {
    const t: I18n['t'] = (key, vars) => (vars ? MESSAGES[lang][key].replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : MESSAGES[lang][key])
    const rules = new Intl.PluralRules(lang)
    return {
      lang,
      setLang,
      t,
      plural: (base, count, vars) => {
        const exact = `${base}.${rules.select(count)}`
        const key = (exact in MESSAGES[lang] ? exact : `${base}.other`) as MessageKey
        return t(key, { n: count, ...vars })
      },
      pick: (text) => text[lang],
      explain: (err) => errorText(err, lang),
    }
  }, [lang, setLang])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n: no I18nProvider above this component')
  return value
}
