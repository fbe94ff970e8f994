import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'

/** A free TCP port on 127.0.0.1 (asked of the system, then released). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** A Redis server of the test's own (the machine's `redis-server`), to stop and start at will. */
export interface OwnRedis {
  url: string
  port: number
  /** Kills it (SIGKILL: what subscribers see when Redis dies). */
  kill(): Promise<void>
  /** Starts it again on the same port. */
  start(): Promise<void>
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'))
    socket.on('data', (d) => done(d.toString().includes('PONG')))
  })
}

/** Starts `redis-server` on a free port, keeping nothing on disk. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freeTcpPort()
  let child: ChildProcess | null = null
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    const started = Date.now()
    while (!(await answersPing(port))) {
      if (Date.now() - started > 10_000) throw new Error(`redis-server did not answer on port ${port}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill() {
      const running = child
      if (!running || running.exitCode !== null) return
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve())
        running.kill('SIGKILL')
      })
    },
    start,
  }
}
