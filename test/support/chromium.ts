import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

/**
 * Finds Chromium for browser tests: `CHROMIUM_PATH`, then `/usr/bin/chromium`. On a Debian
 * machine where we are root and it is missing, installs Debian's `chromium` package;
 * elsewhere, says exactly what to install.
 */
export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter((p): p is string => !!p)
  for (const path of candidates) if (fs.existsSync(path)) return path
  const isRoot = process.getuid?.() === 0
  const isDebian = fs.existsSync('/usr/bin/apt-get') && fs.existsSync('/etc/debian_version')
  if (isRoot && isDebian) {
    process.stderr.write('Chromium is missing: installing Debian package "chromium" (apt-get)…\n')
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  }
  throw new Error(
    'Browser tests need Chromium. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium/Chrome executable.',
  )
}

/** Flags for headless Chromium on a machine with a closed network and no GPU. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
]
