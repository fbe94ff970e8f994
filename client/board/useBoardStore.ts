import * as decoding from 'lib0/decoding'
import { useEffect, useState } from 'react'
import {
  atom,
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  type Signal,
  type TLStoreWithStatus,
  type TLUser,
} from 'tldraw'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { AuthMessageType, MessageType, READ_ONLY_REASON } from '../../shared/protocol'
import type { Role } from '../../shared/roles'
import { createAssetStore } from './assetStore'
import { bindDocToStore } from './bindDocToStore'
import { bindPresence } from './bindPresence'

/** What the participant sees of the connection. */
export type ConnectionState = 'connecting' | 'live' | 'offline'

export interface BoardStoreState {
  storeWithStatus: TLStoreWithStatus
  connection: ConnectionState
  readOnly: boolean
  /** Set when this client must not open the board (newer document, failed migration). */
  schemaProblem: 'newer' | 'failed' | null
  /** The board's Yjs document, once created (for features working on it directly). */
  doc: Y.Doc | null
}

function syncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`
}

/**
 * Connects to a board: a Yjs document synced with the server by the stock y-websocket
 * provider, bound to a tldraw store, with presence through awareness.
 */
export function useBoardStore({ boardId, token, role, $user }: { boardId: string; token: string; role: Role; $user: Signal<TLUser | null> }): BoardStoreState {
  const [state, setState] = useState<BoardStoreState>({
    storeWithStatus: { status: 'loading' },
    connection: 'connecting',
    readOnly: role === 'viewer',
    schemaProblem: null,
    doc: null,
  })

  useEffect(() => {
    const doc = new Y.Doc()
    const $status = atom<'offline' | 'online'>('connection status', 'offline')
    const $mode = atom<'readonly' | 'readwrite'>('mode', role === 'viewer' ? 'readonly' : 'readwrite')
    const store = createTLStore({
      shapeUtils: defaultShapeUtils,
      bindingUtils: defaultBindingUtils,
      assets: createAssetStore(boardId, token),
      collaboration: { status: $status, mode: $mode },
    })
    const provider = new WebsocketProvider(syncUrl(), boardId, doc, { params: { token }, disableBc: true })
    // The server announces read-only sessions with an auth "permission denied: read-only".
    provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
      if (decoding.readVarUint(decoder) !== AuthMessageType.permissionDenied) return
      if (decoding.readVarString(decoder) === READ_ONLY_REASON) {
        $mode.set('readonly')
        setState((s) => ({ ...s, readOnly: true }))
      }
    }

    let cleanupBinding: (() => void) | null = null
    let everSynced = false
    const update = (patch: Partial<BoardStoreState>) => setState((s) => ({ ...s, ...patch }))
    const setConnectionStatus = (connectionStatus: 'online' | 'offline') =>
      setState((s) => (s.storeWithStatus.status === 'synced-remote' ? { ...s, storeWithStatus: { status: 'synced-remote', store, connectionStatus } } : s))

    const onSync = (synced: boolean) => {
      if (!synced) return
      $status.set('online')
      update({ connection: 'live' })
      if (everSynced) {
        setConnectionStatus('online')
        return
      }
      everSynced = true
      const binding = bindDocToStore({
        store,
        doc,
        canWrite: () => $mode.get() === 'readwrite',
        onSchemaProblem: (problem) => {
          $mode.set('readonly')
          update({ schemaProblem: problem, readOnly: true })
        },
        onInvalidRecord: (record, err) => console.warn('Fabrique: skipped an invalid record', record, err),
      })
      if (binding.state !== 'ok') return
      const unbindPresence = bindPresence(store, provider.awareness, $user)
      cleanupBinding = () => {
        binding.unbind()
        unbindPresence()
      }
      update({ storeWithStatus: { status: 'synced-remote', connectionStatus: 'online', store }, doc })
    }
    const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
      if (status === 'connected') return // "live" once synced
      $status.set('offline')
      update({ connection: everSynced ? 'offline' : 'connecting' })
      setConnectionStatus('offline')
    }
    provider.on('sync', onSync)
    provider.on('status', onStatus)

    return () => {
      provider.off('sync', onSync)
      provider.off('status', onStatus)
      cleanupBinding?.()
      provider.destroy()
      doc.destroy()
    }
  }, [boardId, token, role, $user])

  return state
}
