// Fabrique's service worker: keeps the app shell (the page, its scripts, styles, fonts and
// icons) and the board images already seen, so that a board visited before opens with no
// network. The boards themselves are kept by the page in IndexedDB; the API and the sync
// connection always go to the network.
const SHELL = 'fabrique-shell-v1'
const IMAGES = 'fabrique-images-v1'
const KEEP = [SHELL, IMAGES]

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL)
      // The page and what it names (scripts and styles with hashed names).
      const res = await fetch('/', { cache: 'no-cache' })
      if (res.ok) {
        const html = await res.clone().text()
        await cache.put('/', res)
        const urls = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('//'))
        await Promise.all(urls.map((u) => cache.add(u).catch(() => {})))
      }
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (!KEEP.includes(name)) await caches.delete(name)
      await self.clients.claim()
    })(),
  )
})

// The page lists what it loaded before this worker controlled it (fonts, icons, chunks).
self.addEventListener('message', (event) => {
  const data = event.data
  if (!data || data.type !== 'cache-urls' || !Array.isArray(data.urls)) return
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL)
      for (const u of data.urls) {
        const url = new URL(u, self.location.origin)
        if (url.origin !== self.location.origin || !isShellAsset(url)) continue
        if (!(await cache.match(url.pathname))) await cache.add(url.pathname).catch(() => {})
      }
    })(),
  )
})

function isShellAsset(url) {
  return url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg'
}

function isImage(url) {
  return /^\/api\/boards\/[^/]+\/assets\/[^/]+$/.test(url.pathname)
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (request.mode === 'navigate') {
    // Network first (a new version is picked up at once), the kept page when offline. Every
    // route is the same single-page app.
    event.respondWith(
      (async () => {
        try {
          // On hotel Wi-Fi a request may hang rather than fail: after a few seconds, the kept page.
          const res = await Promise.race([fetch(request), new Promise((_, reject) => setTimeout(() => reject(new Error('slow')), 4000))])
          if (res.ok) {
            const cache = await caches.open(SHELL)
            await cache.put('/', res.clone())
          }
          return res
        } catch {
          const kept = await caches.match('/')
          return kept ?? new Response('Fabrique: hors ligne / offline', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } })
        }
      })(),
    )
    return
  }
  if (isShellAsset(url) || isImage(url)) {
    // Hashed names and image ids never change content: the kept copy is always right.
    event.respondWith(
      (async () => {
        const name = isImage(url) ? IMAGES : SHELL
        const kept = await caches.match(request, { cacheName: name })
        if (kept) return kept
        const res = await fetch(request)
        if (res.ok && res.type === 'basic') {
          const cache = await caches.open(name)
          await cache.put(request, res.clone())
        }
        return res
      })(),
    )
  }
})
