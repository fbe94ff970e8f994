import { missingServicesLine } from './services'

/**
 * Runs once before all tests. Browser tests prepare their own build and browser lazily. Says
 * in one line when PostgreSQL or Redis do not answer: their tests are skipped then (each file
 * skips quietly), or fail under `FABRIQUE_REQUIRE_SERVICES=1`.
 */
export default async function setup(): Promise<void> {
  const line = await missingServicesLine()
  if (line) console.warn(line)
}
