import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/** The service worker's path: revalidated at every load, allowed to control the whole origin. */
export const SERVICE_WORKER_PATH = '/sw.js'

/**
 * Serves the built client: files under `assets/` carry a content hash in their name and are
 * cached for a year; everything else — `index.html`, the SPA fallback, `/sw.js` — is
 * revalidated (`no-cache`); unknown paths get `index.html` so the client's router can take
 * them (SPA fallback). Security headers are set by the caller, on every response.
 */
export function createStaticHandler(staticDir: string) {
  const root = path.resolve(staticDir)
  return function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    let relative: string
    try {
      relative = decodeURIComponent(pathname)
    } catch {
      relative = '/'
    }
    let file = path.resolve(root, '.' + path.posix.normalize(relative))
    if (!file.startsWith(root + path.sep) && file !== root) file = root
    let stat = statFile(file)
    const isFallback = !stat
    if (!stat) {
      // A missing file with an extension is a real 404, not a page of the app.
      if (path.extname(relative) && !relative.endsWith('.html')) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        res.end('Not found')
        return
      }
      file = path.join(root, 'index.html')
      stat = statFile(file)
    }
    if (!stat) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('The client is not built: run `npm run build` (npm start does it).')
      return
    }
    const hashed = !isFallback && relative.startsWith('/assets/')
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(!isFallback && relative === SERVICE_WORKER_PATH && { 'service-worker-allowed': '/' }),
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    // A file that vanished or cannot be read after its headers went out: end the response
    // instead of leaving it hanging (and never let the error go unhandled).
    const stream = fs.createReadStream(file)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }
}

function statFile(file: string): fs.Stats | null {
  try {
    const stat = fs.statSync(file)
    return stat.isFile() ? stat : null
  } catch {
    return null
  }
}
