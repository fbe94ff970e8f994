import { createTLSchema, parseTldrawJsonFile } from 'tldraw'

/**
 * Bundled by `tldr.test.ts` and run in a blank Chromium page: tldraw's own reader of `.tldr`
 * files (`parseTldrawJsonFile`, what tldraw.com and the SDK open files with), with tldraw's
 * default shapes. Answers the records of the store it makes, or why it refused the file.
 */
;(window as unknown as { checkTldr: (json: string) => unknown }).checkTldr = (json: string) => {
  const result = parseTldrawJsonFile({ json, schema: createTLSchema() })
  if (!result.ok) return { ok: false, error: result.error.type }
  return { ok: true, records: result.value.allRecords() }
}
