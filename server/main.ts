import { ConfigError, loadConfig } from './config'
import { FabriqueServer } from './FabriqueServer'
import { createLogger } from './logger'

let config
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`Fabrique: invalid configuration: ${err.message}\n`)
    process.exit(2)
  }
  throw err
}
const logger = createLogger(config.logLevel, undefined, { repeatsPerMinute: config.logRepeatsPerMinute })
const server = new FabriqueServer({ config, logger })
const port = await server.listen()
const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
logger.info('Fabrique is listening', { url: `http://${shown}:${port}`, dataDir: config.dataDir })

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    logger.info('stopping', { signal })
    server.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error('stop failed', { err })
        process.exit(1)
      },
    )
  })
}

// A server only ends on a signal: say so if it ever runs out of work instead.
process.on('beforeExit', (code) => logger.error('nothing left to do: the server is exiting', { code }))
