/**
 * Registers the service worker that keeps the app shell for offline visits (production builds
 * only: the development server serves modules that change on every edit). It is told what the
 * page loaded before it took control, and then what the page loads later (tldraw's fonts,
 * icons and translations come when a board opens), so all of it is kept.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').then(
      () =>
        navigator.serviceWorker.ready.then((registration) => {
          const tell = (urls: string[]) => urls.length > 0 && registration.active?.postMessage({ type: 'cache-urls', urls })
          tell(performance.getEntriesByType('resource').map((entry) => entry.name))
          if (typeof PerformanceObserver === 'undefined') return
          new PerformanceObserver((list) => tell(list.getEntries().map((entry) => entry.name))).observe({ type: 'resource' })
        }),
      (err: unknown) => console.warn('Fabrique: offline mode unavailable', err),
    )
  })
}
