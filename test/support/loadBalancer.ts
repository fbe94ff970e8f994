import net from 'node:net'

/** One connection through the load balancer, as it stands. */
export interface BalancedConnection {
  /** The port of the client's end (its socket's `localPort`), to tell which client it is. */
  clientPort: number
  /** The backend it was sent to. */
  backend: number
}

/** A TCP load balancer on 127.0.0.1, as nginx's `stream` or HAProxy in `mode tcp` would be. */
export interface LoadBalancer {
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
  /** `ws://127.0.0.1:<port>/sync` (Fabrique's WebSocket path). */
  wsUrl: string
  /** Backends of the next connections (those open stay where they are). */
  setBackends(ports: number[]): void
  /** The connections piped to a backend right now. */
  connections(): BalancedConnection[]
  /** Connections that found no backend answering (closed at once). */
  readonly refused: number
  /** Stops listening and cuts every connection. */
  close(): Promise<void>
}

/**
 * A small real load balancer: each incoming TCP connection goes to the next backend in turn
 * (round-robin) and is piped to it byte for byte, so HTTP, Server-Sent Events and WebSocket
 * upgrades pass through untouched. A backend that refuses (or is dead) is skipped: the next
 * one is tried, and the connection is closed only when none answers. When either side closes
 * or fails, the other is closed too (a client of a killed backend sees its socket close).
 */
export async function startLoadBalancer(backends: number[]): Promise<LoadBalancer> {
  let ports = [...backends]
  let next = 0
  let refused = 0
  const open = new Map<net.Socket, { client: net.Socket; backend: number; clientPort: number }>()
  const accepted = new Set<net.Socket>()

  const server = net.createServer((client) => {
    accepted.add(client)
    client.once('close', () => accepted.delete(client))
    client.pause()
    client.setNoDelay(true)
    // A client that goes away while its backend is being found: nothing to pipe.
    let clientGone = false
    client.once('close', () => (clientGone = true))
    client.on('error', () => client.destroy())
    const candidates = ports.length === 0 ? [] : ports.map((_, k) => ports[(next + k) % ports.length]!)
    next = ports.length === 0 ? 0 : (next + 1) % ports.length
    const attempt = (k: number) => {
      if (clientGone) return
      if (k >= candidates.length) {
        refused++
        client.destroy()
        return
      }
      const backendPort = candidates[k]!
      const upstream = net.connect({ host: '127.0.0.1', port: backendPort })
      upstream.once('error', () => {
        upstream.destroy()
        attempt(k + 1)
      })
      upstream.once('connect', () => {
        upstream.removeAllListeners('error')
        if (clientGone) {
          upstream.destroy()
          return
        }
        upstream.setNoDelay(true)
        const entry = { client, backend: backendPort, clientPort: client.remotePort ?? 0 }
        open.set(upstream, entry)
        const cut = () => {
          open.delete(upstream)
          client.destroy()
          upstream.destroy()
        }
        upstream.on('error', cut)
        client.on('error', cut)
        upstream.on('close', cut)
        client.on('close', cut)
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
      })
    }
    attempt(0)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    setBackends(newPorts) {
      ports = [...newPorts]
      next = 0
    },
    connections() {
      return [...open.values()].map(({ backend, clientPort }) => ({ backend, clientPort }))
    },
    get refused() {
      return refused
    },
    close() {
      for (const upstream of open.keys()) upstream.destroy()
      for (const client of accepted) client.destroy()
      open.clear()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The name the harness is known by: `start(backends)`. */
export const start = startLoadBalancer
