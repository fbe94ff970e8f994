import { useMemo, useState } from 'react'
import { PHASE_INFO, PHASES } from '../../shared/phases'
import { TEMPLATES } from '../../shared/templates'
import type { TemplateDefinition } from '../../shared/templates/types'
import { useI18n } from '../i18n/I18nProvider'
import { TemplatePreview } from './TemplatePreview'

/** Lower-case, without accents: "Modèle de l'Iceberg" matches "modele iceberg". */
function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase()
}

function matches(def: TemplateDefinition, words: string[]): boolean {
  const haystack = normalize([def.title.fr, def.title.en, def.description.fr, def.description.en].join(' '))
  return words.every((w) => haystack.includes(w))
}

export interface TemplatePickerProps {
  /** The chosen template id, or null for a blank board. */
  selected: string | null
  onSelect: (id: string | null) => void
  /** Offer a blank board as the first choice. */
  allowBlank?: boolean
  /** Templates to show first (e.g. the tools of one activity). */
  highlight?: readonly string[]
}

/** Every template, grouped by phase, with a preview; searchable in both languages. */
export function TemplatePicker({ selected, onSelect, allowBlank = true, highlight = [] }: TemplatePickerProps) {
  const { t, pick, lang } = useI18n()
  const [query, setQuery] = useState('')
  const words = useMemo(() => normalize(query).split(/\s+/).filter(Boolean), [query])
  const visible = TEMPLATES.filter((def) => matches(def, words))
  const card = (def: TemplateDefinition) => (
    <li key={def.id}>
      <button
        type="button"
        className={`fab-template-card${selected === def.id ? ' fab-template-card--selected' : ''}`}
        aria-pressed={selected === def.id}
        onClick={() => onSelect(def.id)}
        data-testid={`template-${def.id}`}
      >
        <TemplatePreview def={def} lang={lang} />
        <span className="fab-template-card__title">{pick(def.title)}</span>
        <span className="fab-template-card__description">{pick(def.description)}</span>
      </button>
    </li>
  )
  return (
    <div className="fab-picker">
      <label className="fab-field">
        <span>{t('board.create.search')}</span>
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="template-search" />
      </label>
      <div className="fab-picker__list">
        {allowBlank && words.length === 0 && (
          <ul className="fab-template-grid">
            <li>
              <button
                type="button"
                className={`fab-template-card fab-template-card--blank${selected === null ? ' fab-template-card--selected' : ''}`}
                aria-pressed={selected === null}
                onClick={() => onSelect(null)}
                data-testid="template-blank"
              >
                <span className="fab-template-card__title">{t('board.create.blank')}</span>
                <span className="fab-template-card__description">{t('board.create.blank.help')}</span>
              </button>
            </li>
          </ul>
        )}
        {highlight.length > 0 && words.length === 0 && (
          <section>
            <h3>{t('lab.tools')}</h3>
            <ul className="fab-template-grid">{visible.filter((d) => highlight.includes(d.id)).map(card)}</ul>
          </section>
        )}
        {PHASES.map((phase) => {
          const inPhase = visible.filter((d) => d.phase === phase)
          if (inPhase.length === 0) return null
          return (
            <section key={phase} data-testid={`picker-phase-${phase}`}>
              <h3>{pick(PHASE_INFO[phase].label)}</h3>
              <ul className="fab-template-grid">{inPhase.map(card)}</ul>
            </section>
          )
        })}
        {visible.length === 0 && <p className="fab-muted">{t('board.create.noMatch')}</p>}
      </div>
    </div>
  )
}
