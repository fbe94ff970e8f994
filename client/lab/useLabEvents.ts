import { useEffect, useRef, useState } from 'react'
import type { LabEvent } from '../../shared/lab'
import { ApiError, api } from '../api/apiClient'
import { readEventStream } from './readEventStream'

/** Where a lab page's live link stands. */
export type LiveState =
  /** Opening the stream (first time). */
  | 'connecting'
  /** Events arrive as they happen. */
  | 'live'
  /** The stream dropped; another try is scheduled (the page shows what it had). */
  | 'retrying'
  /** For good: the secret was replaced, or the lab is gone; the page no longer updates. */
  | 'stopped'

/** Retries wait 1 s, 2 s, 4 s… up to this, with jitter (a room's phones must not retry in step). */
const MAX_BACKOFF_MS = 30_000
/** Time for the answer's headers to arrive on bad Wi-Fi before the try is given up. */
const OPEN_TIMEOUT_MS = 20_000
/** Before the first snapshot says the server's heartbeat period. */
const DEFAULT_HEARTBEAT_MS = 25_000

/**
 * Follows a lab live (`GET /api/labs/:labId/events`): every event goes to `onEvent`. After a
 * drop it reconnects with backoff — at once when the device comes back online or the page is
 * shown again — and a stream silent for two heartbeats (a dead Wi-Fi link that never said so)
 * is dropped and reopened. A replaced secret (`revoked`, 401, 403) or a lab that is gone (404)
 * stops it for good, with the reason in `error`.
 */
export function useLabEvents(labId: string, token: string | null, enabled: boolean, onEvent: (event: LabEvent) => void): { state: LiveState; error: unknown } {
  const [state, setState] = useState<LiveState>('connecting')
  const [error, setError] = useState<unknown>(null)
  const handler = useRef(onEvent)
  handler.current = onEvent

  useEffect(() => {
    if (!enabled || !token) return
    let stopped = false
    let controller: AbortController | null = null
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    let attempt = 0

    const stop = (reason: unknown) => {
      stopped = true
      setError(reason)
      setState('stopped')
    }

    const connect = async () => {
      clearTimeout(retryTimer)
      retryTimer = undefined
      const current = (controller = new AbortController())
      let watchdog: ReturnType<typeof setTimeout> | undefined
      const expectWithin = (ms: number) => {
        clearTimeout(watchdog)
        watchdog = setTimeout(() => current.abort(), ms)
      }
      let heartbeatMs = DEFAULT_HEARTBEAT_MS
      let waitMs: number | null = null
      try {
        expectWithin(OPEN_TIMEOUT_MS)
        const body = await api.openLabEvents(labId, token, current.signal)
        expectWithin(2 * heartbeatMs + 5_000)
        await readEventStream(body, {
          onActivity: () => expectWithin(2 * heartbeatMs + 5_000),
          onData: (data) => {
            let event: LabEvent
            try {
              event = JSON.parse(data) as LabEvent
            } catch {
              return
            }
            if (event.type === 'snapshot') {
              heartbeatMs = event.heartbeatMs
              attempt = 0
              setError(null)
              setState('live')
            }
            if (event.type === 'revoked') stop(new ApiError(403, 'this link was replaced', 'token.wrongLab'))
            handler.current(event)
          },
        })
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) return stop(err)
        if (err instanceof ApiError && err.retryAfterMs !== null) waitMs = err.retryAfterMs
      } finally {
        clearTimeout(watchdog)
        current.abort()
      }
      if (stopped || controller !== current) return
      attempt++
      const backoff = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (attempt - 1))
      setState('retrying')
      retryTimer = setTimeout(() => void connect(), Math.max(waitMs ?? 0, backoff * (0.5 + Math.random() / 2)))
    }

    // Back on the network, or back on screen (phones freeze background tabs): try now.
    const retryNow = () => {
      if (!stopped && retryTimer !== undefined) void connect()
    }
    const onVisible = () => document.visibilityState === 'visible' && retryNow()
    window.addEventListener('online', retryNow)
    document.addEventListener('visibilitychange', onVisible)
    setState('connecting')
    void connect()
    return () => {
      stopped = true
      clearTimeout(retryTimer)
      controller?.abort()
      window.removeEventListener('online', retryNow)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [labId, token, enabled])

  return { state, error }
}
