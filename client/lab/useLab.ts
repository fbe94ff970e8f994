import { useCallback, useEffect, useState } from 'react'
import type { Lab, LabView } from '../../shared/lab'
import type { UpdateLabInput } from '../../shared/validation'
import { clearFragment } from '../access/fragmentToken'
import { rememberLab } from '../access/rememberedLabs'
import { api } from '../api/apiClient'

/** A lab as seen with `token`: loads it, reloads it, and applies a facilitator's edits. */
export function useLab(labId: string, token: string | null) {
  const [view, setView] = useState<LabView | null>(null)
  const [error, setError] = useState<unknown>(null)

  const reload = useCallback(async () => {
    if (!token) return
    setError(null)
    try {
      const next = await api.getLab(labId, token)
      rememberLab({ id: next.lab.id, title: next.lab.title, role: next.role, token })
      clearFragment()
      setView(next)
    } catch (err) {
      setError(err)
    }
  }, [labId, token])

  useEffect(() => {
    void reload()
  }, [reload])

  /** Sends a patch; resolves with the saved lab or throws the server's reason. */
  const update = useCallback(
    async (patch: UpdateLabInput): Promise<Lab> => {
      if (!token) throw new Error('no token')
      const lab = await api.updateLab(labId, token, patch)
      setView((v) => (v ? { ...v, lab } : v))
      rememberLab({ id: lab.id, title: lab.title, role: 'facilitator', token })
      return lab
    },
    [labId, token],
  )

  return { view, error, reload, update }
}
