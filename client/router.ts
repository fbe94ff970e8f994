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

/** The current route; re-renders on navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname))
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname))
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])
  return route
}
