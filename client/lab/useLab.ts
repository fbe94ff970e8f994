import { useCallback, useEffect, useState } from 'react'
import type { Lab, LabEvent, LabPresence, LabView } from '../../shared/lab'
import type { UpdateLabInput } from '../../shared/validation'
import { clearFragment } from '../access/fragmentToken'
import { rememberLab } from '../access/rememberedLabs'
import { api } from '../api/apiClient'
import { useLabEvents } from './useLabEvents'

/** The newer of two versions of a lab (events and answers may cross on the way). */
function newer(current: Lab, next: Lab): Lab {
  return next.updatedAt >= current.updatedAt ? next : current
}

/** What an event changes in the page's view of the lab. */
function applyEvent(view: LabView | null, event: LabEvent): LabView | null {
  if (!view) return view
  switch (event.type) {
    case 'snapshot':
      return { lab: event.lab, boards: event.boards, role: event.role, ...(event.invitations && { invitations: event.invitations }) }
    case 'lab':
      return { ...view, lab: newer(view.lab, event.lab) }
    case 'board': {
      const known = view.boards.some((b) => b.id === event.board.id)
      return { ...view, boards: known ? view.boards.map((b) => (b.id === event.board.id ? event.board : b)) : [...view.boards, event.board] }
    }
    case 'invitations':
      return { ...view, invitations: event.invitations }
    case 'presence':
    case 'revoked':
      return view
  }
}

/**
 * A lab as seen with `token`: loads it, then follows it live (edits, new boards, who is on
 * each board now) without a reload; applies a facilitator's edits.
 */
export function useLab(labId: string, token: string | null) {
  const [view, setView] = useState<LabView | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [presence, setPresence] = useState<LabPresence>({})

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

  const live = useLabEvents(labId, token, view !== null, (event) => {
    setView((v) => applyEvent(v, event))
    if (event.type === 'snapshot') setPresence(event.presence)
    if (event.type === 'presence') {
      setPresence((p) => {
        const { [event.boardId]: _previous, ...others } = p
        return event.people.length > 0 ? { ...others, [event.boardId]: event.people } : others
      })
    }
    // The home page lists the lab under its current title.
    if (event.type === 'lab' && view && token && event.lab.title !== view.lab.title) rememberLab({ id: event.lab.id, title: event.lab.title, role: view.role, token })
  })

  /** Sends a patch; resolves with the saved lab or throws the server's reason. */
  const update = useCallback(
    async (patch: UpdateLabInput): Promise<Lab> => {
      if (!token) throw new Error('no token')
      const lab = await api.updateLab(labId, token, patch)
      setView((v) => (v ? { ...v, lab: newer(v.lab, lab) } : v))
      rememberLab({ id: lab.id, title: lab.title, role: 'facilitator', token })
      return lab
    },
    [labId, token],
  )

  return { view, error, reload, update, presence, live }
}
