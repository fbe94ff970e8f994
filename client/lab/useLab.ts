import { useCallback, useEffect, useState } from 'react'
import type { Board, Lab, LabEvent, LabPresence, LabView } from '../../shared/lab'
import type { UpdateLabInput } from '../../shared/validation'
import { clearFragment } from '../access/fragmentToken'
import { rememberLab } from '../access/rememberedLabs'
import { api } from '../api/apiClient'
import { useLabEvents } from './useLabEvents'

/** The newer of two versions of a lab (events and answers may cross on the way). */
function newer(current: Lab, next: Lab): Lab {
  return next.updatedAt >= current.updatedAt ? next : current
}

/**
 * `boards` with `board` put in (or replaced, unless what the page has is newer: events and
 * answers may cross on the way); a board in the bin leaves the list.
 */
export function upsertBoard(boards: readonly Board[], board: Board): Board[] {
  const current = boards.find((b) => b.id === board.id)
  if (current && current.updatedAt > board.updatedAt) return [...boards]
  if (board.deletedAt !== null) return boards.filter((b) => b.id !== board.id)
  return current ? boards.map((b) => (b.id === board.id ? board : b)) : [...boards, board]
}

/** What an event changes in the page's view of the lab (the bin is kept apart, see {@link useLab}). */
function applyEvent(view: LabView | null, event: LabEvent): LabView | null {
  if (!view) return view
  switch (event.type) {
    case 'snapshot':
      return { lab: event.lab, boards: event.boards, role: event.role, ...(event.invitations && { invitations: event.invitations }) }
    case 'lab':
      return { ...view, lab: newer(view.lab, event.lab) }
    case 'board':
      return { ...view, boards: upsertBoard(view.boards, event.board) }
    case 'boardRemoved':
      return { ...view, boards: view.boards.filter((b) => b.id !== event.boardId) }
    case 'invitations':
      return { ...view, invitations: event.invitations }
    case 'bin':
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
  /** Facilitators: the boards in the lab's bin (null until known). */
  const [bin, setBin] = useState<Board[] | null>(null)

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
    if (event.type === 'snapshot' && event.bin) setBin(event.bin)
    if (event.type === 'bin') setBin(event.boards)
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

  // Facilitators: the bin comes with the live stream's first event; without the stream (it
  // may be retrying on hotel Wi-Fi), it is asked for once.
  const manager = view?.role === 'facilitator'
  const binKnown = bin !== null
  useEffect(() => {
    if (!manager || !token || binKnown) return
    let current = true
    api.getBin(labId, token).then(
      (answer) => current && setBin((b) => b ?? answer.boards),
      () => {},
    )
    return () => {
      current = false
    }
  }, [manager, binKnown, labId, token])

  /**
   * A board as an answer of the server gives it (renamed, archived, deleted, restored,
   * copied…): shown at once, before the event that tells every page arrives.
   */
  const applyBoard = useCallback((board: Board) => {
    setView((v) => (v ? { ...v, boards: upsertBoard(v.boards, board) } : v))
    setBin((b) => {
      const others = (b ?? []).filter((x) => x.id !== board.id)
      return board.deletedAt === null ? (b ? others : b) : [board, ...others]
    })
  }, [])

  return { view, error, reload, update, presence, live, bin, setBin, applyBoard }
}
