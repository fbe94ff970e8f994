import {
  createPresenceStateDerivation,
  InstancePresenceRecordType,
  react,
  type Signal,
  type TLInstancePresence,
  type TLStore,
  type TLUser,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'

/** Awareness field carrying a client's tldraw presence record. */
const PRESENCE_FIELD = 'presence'

/**
 * Shares this client's presence (cursor, name, colour, selection, viewport) through Yjs
 * awareness, and mirrors other clients' presence into the store as `instance_presence`
 * records, which tldraw draws as cursors and lists in its people menu.
 */
export function bindPresence(store: TLStore, awareness: Awareness, $user: Signal<TLUser | null>): () => void {
  const $presence = createPresenceStateDerivation($user)(store)
  const stopPublishing = react('publish presence', () => {
    const presence = $presence.get()
    awareness.setLocalStateField(PRESENCE_FIELD, presence)
  })

  const presenceId = (clientId: number) => InstancePresenceRecordType.createId(String(clientId))

  const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    const states = awareness.getStates()
    const toPut: TLInstancePresence[] = []
    const toRemove: TLInstancePresence['id'][] = []
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const presence = (states.get(clientId) as Record<string, unknown> | undefined)?.[PRESENCE_FIELD] as TLInstancePresence | null | undefined
      const id = presenceId(clientId)
      if (!presence) {
        if (store.has(id)) toRemove.push(id)
        continue
      }
      try {
        toPut.push(store.schema.validateRecord(store, { ...presence, id }, 'updateRecord', store.get(id) ?? null) as TLInstancePresence)
      } catch (err) {
        // A malformed presence is ignored; the participant simply shows no cursor.
        console.warn('Fabrique: ignored an invalid presence', err)
      }
    }
    for (const clientId of removed) {
      const id = presenceId(clientId)
      if (store.has(id)) toRemove.push(id)
    }
    if (toPut.length || toRemove.length) {
      store.mergeRemoteChanges(() => {
        if (toRemove.length) store.remove(toRemove)
        if (toPut.length) store.put(toPut)
      })
    }
  }
  awareness.on('change', onChange)
  // Others already present when we arrive.
  onChange({ added: [...awareness.getStates().keys()], updated: [], removed: [] })

  return () => {
    stopPublishing()
    awareness.off('change', onChange)
    awareness.setLocalStateField(PRESENCE_FIELD, null)
  }
}
