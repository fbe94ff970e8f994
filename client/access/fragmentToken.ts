/**
 * Secrets travel in the URL fragment (`#t=…`): browsers never send it to the server, so it
 * stays out of server logs and `Referer` headers.
 */
export function readFragmentToken(hash: string = location.hash): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const token = params.get('t')
  return token && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? token : null
}

/** Removes the secret from the address bar once read (it is remembered on the device). */
export function clearFragment(): void {
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search)
}

/** A link that opens `path` with `token`. */
export function linkWithToken(path: string, token: string, origin: string = location.origin): string {
  return `${origin}${path}#t=${encodeURIComponent(token)}`
}
