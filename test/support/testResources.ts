import { afterEach } from 'vitest'
import type WebSocket from 'ws'
import { connect } from './providers'
import { startServer, type TestServer } from './testServer'

/**
 * For a test file: real servers and clients that are stopped after each test — clients first,
 * then raw sockets (pushed to `sockets`), then servers. `restart` swaps a server for its
 * restarted self on the same data.
 */
export function useTestResources() {
  const servers: TestServer[] = []
  const cleanups: (() => void)[] = []
  const sockets: WebSocket[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0)) c()
    for (const ws of sockets.splice(0)) ws.terminate()
    for (const s of servers.splice(0)) await s.stop()
  })
  return {
    sockets,
    onCleanup: (fn: () => void) => cleanups.push(fn),
    async server(env: Record<string, string> = {}, dataDir?: string, options?: Parameters<typeof startServer>[2]): Promise<TestServer> {
      const s = await startServer(env, dataDir, options)
      servers.push(s)
      return s
    },
    async restart(s: TestServer): Promise<TestServer> {
      servers.splice(servers.indexOf(s), 1)
      const next = await s.restart()
      servers.push(next)
      return next
    },
    client(s: TestServer, boardId: string, token: string) {
      const c = connect(s.wsUrl, boardId, token)
      cleanups.push(() => c.provider.destroy())
      return c
    },
  }
}
