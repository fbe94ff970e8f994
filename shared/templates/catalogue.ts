import type { Phase } from '../phases'
import { DEPLOIEMENT_TEMPLATES } from './deploiement'
import { DETECTION_TEMPLATES } from './detection'
import { EMERGENCE_TEMPLATES } from './emergence'
import { EXPERIMENTATION_TEMPLATES } from './experimentation'
import type { TemplateDefinition, TemplateSummary } from './types'

/** All method templates, in the order of the journey (phase by phase). */
export const TEMPLATES: readonly TemplateDefinition[] = [...DETECTION_TEMPLATES, ...EMERGENCE_TEMPLATES, ...EXPERIMENTATION_TEMPLATES, ...DEPLOIEMENT_TEMPLATES]

const byId = new Map(TEMPLATES.map((t) => [t.id, t]))

/** The template with this id, or undefined. */
export function getTemplate(id: string): TemplateDefinition | undefined {
  return byId.get(id)
}

export function isTemplateId(id: unknown): id is string {
  return typeof id === 'string' && byId.has(id)
}

/** Templates that serve an activity (ids from shared/phases.ts ACTIVITIES), in journey order. */
export function templatesForActivity(activityId: string): TemplateDefinition[] {
  return TEMPLATES.filter((t) => t.activities.includes(activityId))
}

/** Templates of a phase, in journey order. */
export function templatesForPhase(phase: Phase): TemplateDefinition[] {
  return TEMPLATES.filter((t) => t.phase === phase)
}

/** What a client needs to offer a template (no layout): plain JSON. */
export function templateSummary(t: TemplateDefinition): TemplateSummary {
  return { id: t.id, phase: t.phase, activities: [...t.activities], title: { ...t.title }, description: { ...t.description } }
}

/** Summaries of all templates, in journey order: the body of GET /api/templates. */
export const TEMPLATE_SUMMARIES: readonly TemplateSummary[] = TEMPLATES.map(templateSummary)
