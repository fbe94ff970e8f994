import { useState } from 'react'
import { useValue } from 'tldraw'
import { PRIVATE_PROMPT_MAX } from '../../../shared/workshop/privateRound'
import { Dialog } from '../../components/Dialog'
import { useI18n } from '../../i18n/I18nProvider'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'

/** The facilitator opens a private writing round, with an optional prompt; or reveals the one open. */
export function PrivateRoundDialog({ workshop, onClose }: { workshop: Workshop; onClose: () => void }) {
  const { t, plural } = useI18n()
  const round = useValue('fabrique private round', () => workshop.$privateRound.get(), [workshop])
  const [prompt, setPrompt] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const run = async (command: Parameters<Workshop['run']>[0]) => {
    const failure = outcomeText(await workshop.run(command), t)
    setProblem(failure)
    if (!failure) onClose()
  }
  const open = round?.status === 'open' ? round : null
  return (
    <Dialog title={t('private.title')} onClose={onClose} testId="private-dialog">
      <p>{t('private.help')}</p>
      {open ? (
        <>
          <p>
            <strong>{t('private.facilitator')}</strong> — {plural('private.writers', open.writers)}, {plural('private.shapes', open.shapes)}
          </p>
          <div className="fab-dialog__actions">
            <button type="button" className="fab-button fab-button--primary" onClick={() => void run({ type: 'private.reveal', roundId: open.id })} data-testid="private-reveal-dialog">
              {t('private.reveal')}
            </button>
          </div>
        </>
      ) : (
        <form
          className="fab-workshop-form"
          onSubmit={(e) => {
            e.preventDefault()
            void run({ type: 'private.open', prompt: prompt.trim() })
          }}
        >
          <label className="fab-field">
            {t('private.prompt')}
            <input value={prompt} maxLength={PRIVATE_PROMPT_MAX} placeholder={t('private.prompt.placeholder')} onChange={(e) => setPrompt(e.target.value.replace(/[\n\r]/g, ' '))} data-testid="private-prompt" />
          </label>
          <div className="fab-dialog__actions">
            <button type="button" className="fab-button" onClick={onClose}>
              {t('workshop.cancel')}
            </button>
            <button type="submit" className="fab-button fab-button--primary" data-testid="private-open">
              {t('private.open')}
            </button>
          </div>
        </form>
      )}
      {problem && (
        <p role="alert" className="fab-workshop-problem">
          {problem}
        </p>
      )}
    </Dialog>
  )
}
