import type { ServerId } from '../config'
import type { ProtocolKind } from '../protocols/WireProtocol'
import type { BoardEndpoint } from '../workerMessages'
import type { ServerProcess } from './serverProcess'

/** One server the benchmark runs the load against. */
export interface BenchTarget {
  id: ServerId
  /** Name and version as shown in the report. */
  label: string
  /** What it stores to, as shown in the report. */
  persistence: string
  protocol: ProtocolKind
  /** Starts the server on `port` with its data in `dataDir` (fresh, empty). */
  start(options: { port: number; dataDir: string; logDir: string }): Promise<ServerProcess>
  /** Creates (or names) `count` boards and says how clients reach them. */
  prepareBoards(server: ServerProcess, count: number): Promise<BoardEndpoint[]>
}
