/**
 * Method templates: data (one file per phase), one builder turning a template into tldraw
 * shapes, exactly-once application to a board document, and placement on a busy canvas.
 */
export type * from './types'
export { HEADER_HEIGHT, ROOM } from './types'
export { getTemplate, isTemplateId, TEMPLATE_SUMMARIES, TEMPLATES, templatesForActivity, templatesForPhase, templateSummary } from './catalogue'
export { buildTemplate, templateShapeId, type BuildTemplateOptions } from './buildTemplate'
export { applyTemplate, appliedTemplates, ensureTemplatesMap, type ApplyTemplateOptions } from './applyTemplate'
export { findFreeOrigin, templateBounds, TEMPLATE_MARGIN } from './placement'
