import { useEffect, useState } from 'react'

/** The pages of the app, parsed from the path. */
export type Route = { page: 'home' } | { page: 'lab'; labId: string } | { page: 'board'; boardId: string } | { page: 'not-found' }

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'home' }
  const lab = /^\/lab\/([A-Za-z0-9_-]+)\/?$/.exec(pathname)
  if (lab) return { page: 'lab', labId: lab[1]! }
  const board = /^\/board\/([A-Za-z0-9_-]+)\/?$/.exec(pathname)
  if (board) return { page: 'board', boardId: board[1]! }
  return { page: 'not-found' }
}

/** Client-side navigation without reload. */
export function navigate(to: string): void {
  history.pushState(null, '', to)
  window.dispatchEvent(new PopStateEvent('popstate'))
}

/**
 * The current route; re-renders on navigation. `visit` changes when a new access key arrives
 * in the same tab (a correct link pasted over a wrong one changes only the `#t=` fragment, which
 * reloads nothing): pages keyed by it start again with the new key.
 */
export function useRoute(): { route: Route; visit: number } {
  const [state, setState] = useState(() => ({ route: parseRoute(location.pathname), visit: 0 }))
  useEffect(() => {
    const onPop = () => setState((s) => ({ route: parseRoute(location.pathname), visit: s.visit }))
    const onHash = () => {
      if (new URLSearchParams(location.hash.replace(/^#/, '')).get('t')) setState((s) => ({ route: parseRoute(location.pathname), visit: s.visit + 1 }))
    }
    window.addEventListener('popstate', onPop)
    window.addEventListener('hashchange', onHash)
    return () => {
      window.removeEventListener('popstate', onPop)
      window.removeEventListener('hashchange', onHash)
    }
  }, [])
  return state
}
