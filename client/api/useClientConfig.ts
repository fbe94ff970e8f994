import { useEffect, useState } from 'react'
import { api, type ClientConfig } from './apiClient'

let pending: Promise<ClientConfig> | null = null

/** The server's runtime configuration, fetched once per page load. */
export function loadClientConfig(): Promise<ClientConfig> {
  pending ??= api.config().catch((err) => {
    pending = null
    throw err
  })
  return pending
}

export function useClientConfig(): ClientConfig | null {
  const [config, setConfig] = useState<ClientConfig | null>(null)
  useEffect(() => {
    let cancelled = false
    loadClientConfig().then((c) => !cancelled && setConfig(c), () => {})
    return () => {
      cancelled = true
    }
  }, [])
  return config
}
