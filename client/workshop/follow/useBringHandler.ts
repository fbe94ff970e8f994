import { useEffect } from 'react'
import type { Editor } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import { bringTo } from '../cameraMoves'
import type { Workshop } from '../Workshop'

/** Goes where a facilitator brings everyone (`bring` events), and says who did. */
export function useBringHandler(editor: Editor, workshop: Workshop): void {
  const { t } = useI18n()
  useEffect(
    () =>
      workshop.onBring((event) => {
        if (bringTo(editor, event.target)) workshop.notify(t('bring.arrived', { name: event.by.name }))
      }),
    [editor, workshop, t],
  )
}
