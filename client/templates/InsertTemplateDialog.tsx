import { useState } from 'react'
import { Dialog } from '../components/Dialog'
import { useI18n } from '../i18n/I18nProvider'
import { TemplatePicker } from './TemplatePicker'

/** Choose a template to insert into the board being edited. */
export function InsertTemplateDialog({ onInsert, onClose }: { onInsert: (templateId: string) => void; onClose: () => void }) {
  const { t } = useI18n()
  const [selected, setSelected] = useState<string | null>(null)
  return (
    <Dialog title={t('board.insert')} onClose={onClose} wide testId="insert-template-dialog">
      <div className="fab-create-board">
        <div className="fab-form-row">
          <button
            type="button"
            className="fab-button fab-button--primary"
            disabled={!selected}
            onClick={() => selected && onInsert(selected)}
            data-testid="insert-template"
          >
            {t('board.insert.submit')}
          </button>
        </div>
        <TemplatePicker selected={selected} onSelect={setSelected} allowBlank={false} />
      </div>
    </Dialog>
  )
}
