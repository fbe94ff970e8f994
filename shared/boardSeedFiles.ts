import { LANGS, type Lang } from './lang'
import { TEMPLATES } from './templates/catalogue'

/** File name of the prebuilt seed for a template (or a blank board) in a language. */
export function seedFileName(template: string | null, lang: Lang): string {
  return `${template ?? 'blank'}.${lang}.bin`
}

/** Every seed a server can need: blank and each template, in each language. */
export function allSeeds(): { template: string | null; lang: Lang }[] {
  return [null, ...TEMPLATES.map((t) => t.id)].flatMap((template) => LANGS.map((lang) => ({ template, lang })))
}

/** File, beside the seeds, holding the serialized tldraw schema they were built with. */
export const SCHEMA_FILE = 'schema.json'
