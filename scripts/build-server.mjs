// Bundles the server into dist/server/ so production runs on plain node: no TypeScript
// transpiler in memory, faster start. npm packages stay external (native addons). Code
// loaded with import() gets its own chunk, so what it needs is loaded only when used.
import { build } from 'esbuild'

await build({
  entryPoints: ['server/main.ts'],
  outdir: 'dist/server',
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
})
console.log('built dist/server/main.js')
