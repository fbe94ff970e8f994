import type { IncomingMessage, ServerResponse } from 'node:http'

/** What a route handler receives: the request, the response and the `:params` of its path. */
export interface RouteContext {
  req: IncomingMessage
  res: ServerResponse
  params: Record<string, string>
  url: URL
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void

interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  handler: RouteHandler
}

/** A minimal method + path router: `/api/labs/:labId` style patterns, nothing more. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = []
    const pattern = new RegExp(
      '^' +
        path.replace(/\/:([a-zA-Z]+)/g, (_m, key: string) => {
          keys.push(key)
          return '/([^/]+)'
        }) +
        '/?$',
    )
    this.routes.push({ method, pattern, keys, handler })
    return this
  }

  /**
   * The handler for a request, `'method-not-allowed'` when the path exists with another
   * method, or null when no route matches.
   */
  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } | 'method-not-allowed' | null {
    let pathMatched = false
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname)
      if (!m) continue
      pathMatched = true
      if (route.method !== method) continue
      const params: Record<string, string> = {}
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(m[i + 1]!)
      })
      return { handler: route.handler, params }
    }
    return pathMatched ? 'method-not-allowed' : null
  }
}
