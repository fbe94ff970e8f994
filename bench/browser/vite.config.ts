import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** The page "tldraw alone" of the browser benchmark: tldraw loading a board's records, nothing else. */
export default defineConfig({
  root: 'bench/browser/tldrawAlone',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: '../../../dist/bench-tldraw-alone', emptyOutDir: true, chunkSizeWarningLimit: 4000, assetsInlineLimit: 0 },
})
