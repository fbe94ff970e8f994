// `npm run dev`: the sync server (restarted on change) and Vite with hot reload, side by side.
import { spawn } from 'node:child_process'

const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/main.ts'], { stdio: 'inherit', env: { ...process.env, STATIC_DIR: process.env.STATIC_DIR ?? 'dist/client' } }),
  spawn('npx', ['vite'], { stdio: 'inherit' }),
]
const stop = () => {
  for (const child of children) child.kill('SIGTERM')
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const child of children) child.on('exit', (code) => {
  stop()
  process.exitCode = code ?? 0
})
console.log('Fabrique dev: open http://localhost:5173 (API and sync proxied to the server on port 3000)')
