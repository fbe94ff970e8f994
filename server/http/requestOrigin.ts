import type { IncomingMessage } from 'node:http'

/**
 * The address a request comes from: the socket's, or — behind a reverse proxy that says so
 * (`TRUST_PROXY=1`) — the first address of `X-Forwarded-For`.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for']
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
    if (first) return first
  }
  return req.socket.remoteAddress ?? 'unknown'
}

/**
 * Whether a request may act on Fabrique: a browser page of another site sends its own
 * `Origin`, which must be Fabrique's (`PUBLIC_URL`, or the host the request was sent to).
 * Requests without `Origin` (other programs: the stock Node client, scripts) are not a
 * cross-site page and pass.
 */
export function isAllowedOrigin(req: IncomingMessage, publicUrl: string | null): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  if (publicUrl && origin === new URL(publicUrl).origin) return true
  const host = req.headers.host
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)
}
