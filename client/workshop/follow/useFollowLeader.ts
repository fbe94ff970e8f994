import { useEffect } from 'react'
import { react, type Editor, type TLUserId } from 'tldraw'
import type { FollowState } from '../../../shared/workshop/follow'
import type { Workshop } from '../Workshop'

/** A stop of following this soon after a gesture of the person's is them stepping out. */
const GESTURE_MS = 800

const choiceKey = (boardId: string) => `fabrique.follow.${boardId}`

/** What this person chose for the current "follow me" (kept for the tab: a reload keeps it). */
function readChoice(boardId: string, follow: FollowState): 'following' | 'detached' | null {
  try {
    const [since, choice] = (sessionStorage.getItem(choiceKey(boardId)) ?? '').split('|')
    return since === follow.since && (choice === 'following' || choice === 'detached') ? choice : null
  } catch {
    return null
  }
}

/** Steps out of (or back into) the leader's view, remembered for this "follow me". */
export function chooseFollow(workshop: Workshop, detached: boolean): void {
  const follow = workshop.$follow.get()
  workshop.$followDetached.set(detached)
  if (!follow) return
  try {
    sessionStorage.setItem(choiceKey(workshop.boardId), `${follow.since}|${detached ? 'detached' : 'following'}`)
  } catch {
    // Not remembered across a reload; it still holds now.
  }
}

/**
 * "Follow me": while a facilitator leads (`session.follow`), this person's camera follows the
 * leader's viewport through tldraw's following of the leader's presence — participants and
 * viewers at once (also after a reload), other facilitators when they choose to. Panning or
 * zooming steps out (tldraw stops following on the person's gestures); a camera move of the
 * app's own (a zone opened, a bring) does not: following resumes.
 */
export function useFollowLeader(editor: Editor, workshop: Workshop): void {
  useEffect(() => {
    let lastGesture = -Infinity
    const container = editor.getContainer()
    const onGesture = () => (lastGesture = performance.now())
    const gestures = ['pointerdown', 'wheel', 'touchstart', 'keydown'] as const
    for (const type of gestures) container.addEventListener(type, onGesture, { capture: true, passive: true })

    let since: string | null = null
    const stopChoice = react('fabrique follow choice', () => {
      const follow = workshop.$follow.get()
      if (!follow || follow.since === since) return
      since = follow.since
      const choice = readChoice(workshop.boardId, follow)
      workshop.$followDetached.set(choice ? choice === 'detached' : workshop.isFacilitator)
    })

    /** The leader tldraw was asked to follow, while it should be. */
    let wanted: TLUserId | null = null
    const stopFollowing = react('fabrique follow the leader', () => {
      const follow = workshop.$follow.get()
      const detached = workshop.$followDetached.get()
      const following = editor.getInstanceState().followingUserId
      const leader = follow && follow.leaderId !== workshop.identityId && !detached ? (`user:${follow.leaderId}` as TLUserId) : null
      if (!leader) {
        if (wanted && following === wanted) queueMicrotask(() => editor.stopFollowingUser())
        wanted = null
        return
      }
      if (following === leader) {
        wanted = leader
        return
      }
      if (wanted === leader && performance.now() - lastGesture < GESTURE_MS) {
        // The person panned or zoomed away: they stepped out.
        wanted = null
        queueMicrotask(() => chooseFollow(workshop, true))
        return
      }
      // Started, or stopped by a camera move of the app's: follow (once the leader's presence is here).
      if (!editor.getCollaborators().some((c) => c.userId === leader)) return
      wanted = leader
      queueMicrotask(() => {
        if (wanted === leader && editor.getInstanceState().followingUserId !== leader) editor.startFollowingUser(leader)
      })
    })
    return () => {
      stopChoice()
      stopFollowing()
      for (const type of gestures) container.removeEventListener(type, onGesture, { capture: true })
      if (wanted && editor.getInstanceState().followingUserId === wanted) editor.stopFollowingUser()
    }
  }, [editor, workshop])
}
