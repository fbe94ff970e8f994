import fs from 'node:fs'
import path from 'node:path'

/**
 * How a TypeScript bench entry is run. By default it is first bundled by esbuild (packages
 * stay external) and run by plain `node`, the way the y-websocket server runs and the way
 * Fabrique runs in production. With BENCH_RUNTIME=tsx it goes through tsx's loader
 * (`node --import tsx entry.ts`): the difference is what the loader itself costs.
 */
export async function tsEntryArgs(entry: string): Promise<string[]> {
  if ((process.env.BENCH_RUNTIME ?? 'bundle') !== 'bundle') return ['--import', 'tsx', entry]
  const { build } = await import('esbuild')
  // Inside the repository (in git-ignored .tmp/) so that external packages resolve from
  // its node_modules.
  const dir = path.resolve('.tmp', 'bench-bundles')
  fs.mkdirSync(dir, { recursive: true })
  const outfile = path.join(dir, `${path.basename(entry, '.ts')}.mjs`)
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' })
  return [outfile]
}
