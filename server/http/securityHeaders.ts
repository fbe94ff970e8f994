import type { IncomingMessage } from 'node:http'

/** A host (name or address, optional port) as it may appear in a CSP source; anything else is left out. */
const HOST_PATTERN = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** The host WebSocket connections go to: `PUBLIC_URL`'s, else the one the request was sent to (when well-formed). */
function syncHost(req: IncomingMessage, publicUrl: string | null): string | null {
  const host = publicUrl ? new URL(publicUrl).host : req.headers.host
  return host && HOST_PATTERN.test(host) ? host : null
}

/**
 * The Content-Security-Policy of every page: scripts, styles, fonts and connections from
 * Fabrique's origin only (and its WebSocket), images and media also from `blob:`/`data:`
 * (tldraw's exports and pasted images), a service worker from the origin, no frames, no
 * plugins, never framed by another site.
 */
export function contentSecurityPolicy(req: IncomingMessage, publicUrl: string | null): string {
  const host = syncHost(req, publicUrl)
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    // blob: and data: too: tldraw reads pasted and exported images back with fetch (nothing can leave through them).
    `connect-src 'self' blob: data:${host ? ` ws://${host} wss://${host}` : ''}`,
    "media-src 'self' blob: data:",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * Headers every HTTP response carries — static files, `index.html`, the API, errors, refused
 * WebSocket upgrades: the CSP above, no MIME sniffing, no referrer (no URL of Fabrique is ever
 * sent to another site), never in a frame. A response may narrow them (images get a stricter
 * CSP of their own).
 */
export function securityHeaders(req: IncomingMessage, publicUrl: string | null): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(req, publicUrl),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  }
}
