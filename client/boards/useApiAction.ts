import { useCallback, useRef, useState } from 'react'
import { useI18n } from '../i18n/I18nProvider'

/**
 * A request a dialog makes: one at a time (a second tap while it runs does nothing), its
 * failure said in the person's words, nothing else changed.
 */
export function useApiAction() {
  const { explain } = useI18n()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const running = useRef(false)
  const run = useCallback(
    async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
      if (running.current) return undefined
      running.current = true
      setBusy(true)
      setError(null)
      try {
        return await action()
      } catch (err) {
        setError(explain(err))
        return undefined
      } finally {
        running.current = false
        setBusy(false)
      }
    },
    [explain],
  )
  return { busy, error, setError, run }
}
