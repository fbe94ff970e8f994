import * as decoding from 'lib0/decoding'
import { useEffect, useState } from 'react'
import {
  atom,
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  react,
  type Signal,
  type TLStoreWithStatus,
  type TLUser,
} from 'tldraw'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { RuleName } from '../../shared/authority/rules'
import { getSessionMap } from '../../shared/boardDoc'
import { readEditingMode, readRemovedPeople, type EditingMode, type RemovedPeople } from '../../shared/boardSession'
import type { PersonOnBoard, ServerEvent } from '../../shared/commands'
import { identityCredential, type IssuedIdentity } from '../../shared/identity'
import { AuthMessageType, CloseCode, MessageType, READ_ONLY_REASON } from '../../shared/protocol'
import type { Role } from '../../shared/roles'
import { getRecordsMap } from '../../shared/boardDoc'
import { api } from '../api/apiClient'
import { keepBoardOnDevice, pendingChanges } from '../offline/boardCache'
import { createAssetStore } from './assetStore'
import { guardWithRules } from './authorityGuard'
import { BoardChannel } from './BoardChannel'
import { bindDocToStore } from './bindDocToStore'
import { bindPresence } from './bindPresence'
import { ticketWebSocket } from './ticketSocket'
import { Workshop } from '../workshop/Workshop'

/** What the participant sees of the connection. */
export type ConnectionState = 'connecting' | 'live' | 'offline'

/** A change of this person's that the board's rules refused, and when (to show why). */
export interface Refusal {
  rule: RuleName | (string & {})
  at: number
}

export interface BoardStoreState {
  storeWithStatus: TLStoreWithStatus
  connection: ConnectionState
  /** Nothing can be written from here: a viewer, a frozen board for a participant, a schema problem. */
  readOnly: boolean
  /** Set when this client must not open the board (newer document, failed migration). */
  schemaProblem: 'newer' | 'failed' | null
  /** The board's Yjs document, once created (for features working on it directly). */
  doc: Y.Doc | null
  /** The command channel to the server, once connected. */
  channel: BoardChannel | null
  /** Who may edit what, as the facilitator set it (live). */
  editingMode: EditingMode
  /** People a facilitator removed from this board. */
  removedPeople: RemovedPeople
  /** Who is on the board (the server tells facilitators). */
  people: PersonOnBoard[]
  /** A facilitator removed this person from the board. */
  removed: boolean
  /** The board reached its maximum size: it stays open read-only. */
  full: boolean
  /** The last change of this person's the rules refused. */
  refusal: Refusal | null
  /** Changes made here that have not reached the server yet (offline, or before a reload). */
  pending: number
  /** The secret this page opened the board with was replaced by a facilitator. */
  revoked: boolean
  /** The board was deleted (put in the lab's bin) while open here. */
  gone: boolean
  /** The facilitator's workshop toolkit on this board (timer, votes, agenda…), once connected. */
  workshop: Workshop | null
}

function syncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`
}

/**
 * Connects to a board: a Yjs document synced with the server by the stock y-websocket
 * provider (with this person's identity), bound to a tldraw store, with presence through
 * awareness. The canvas follows the server's authority: it turns read-only when the board is
 * frozen, checks this person's changes with the board's rules before making them, and keeps
 * whatever the server corrects.
 */
export function useBoardStore({ boardId, token, role, identity, $user }: { boardId: string; token: string; role: Role; identity: IssuedIdentity; $user: Signal<TLUser | null> }): BoardStoreState {
  const [state, setState] = useState<BoardStoreState>({
    storeWithStatus: { status: 'loading' },
    connection: 'connecting',
    readOnly: role === 'viewer',
    schemaProblem: null,
    doc: null,
    channel: null,
    editingMode: 'open',
    removedPeople: {},
    people: [],
    removed: false,
    full: false,
    refusal: null,
    pending: pendingChanges.get(boardId),
    revoked: false,
    gone: false,
    workshop: null,
  })
  const credential = identityCredential(identity)
  const identityId = identity.id

  useEffect(() => {
    const doc = new Y.Doc()
    const $status = atom<'offline' | 'online'>('connection status', 'offline')
    const $serverReadOnly = atom('server says read-only', role === 'viewer')
    const $schemaProblem = atom('schema problem', false)
    const $editingMode = atom<EditingMode>('editing mode', 'open')
    const $mode = atom<'readonly' | 'readwrite'>('mode', role === 'viewer' ? 'readonly' : 'readwrite')
    const update = (patch: Partial<BoardStoreState>) => setState((s) => ({ ...s, ...patch }))
    const refused = (rule: Refusal['rule']) => update({ refusal: { rule, at: Date.now() } })
    const stopMode = react('board mode', () => {
      const frozen = role === 'participant' && $editingMode.get() === 'frozen'
      const readOnly = $serverReadOnly.get() || $schemaProblem.get() || frozen
      $mode.set(readOnly ? 'readonly' : 'readwrite')
    })
    const store = createTLStore({
      shapeUtils: defaultShapeUtils,
      bindingUtils: defaultBindingUtils,
      assets: createAssetStore(boardId, token),
      // The person tldraw attributes edits to (and keeps a `user:` record of) is this identity.
      users: { currentUser: $user },
      collaboration: { status: $status, mode: $mode },
    })
    const stopModeState = react('board mode state', () => update({ readOnly: $mode.get() === 'readonly', editingMode: $editingMode.get() }))
    performance.mark('fabrique:connect')
    // Kept on this device: the board opens from here at once, with or without network.
    const kept = keepBoardOnDevice(boardId, doc)
    // The secret and the identity go in the headers of a ticket request, never in the sync URL.
    const WebSocketPolyfill = ticketWebSocket(() => api.createTicket(boardId, token, credential).then((answer) => answer.ticket))
    const provider = new WebsocketProvider(syncUrl(), boardId, doc, { disableBc: true, WebSocketPolyfill, maxBackoffTime: 5000 })
    // The server announces read-only sessions with an auth "permission denied: read-only".
    provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
      if (decoding.readVarUint(decoder) !== AuthMessageType.permissionDenied) return
      if (decoding.readVarString(decoder) === READ_ONLY_REASON) $serverReadOnly.set(true)
    }
    const onEvent = (event: ServerEvent) => {
      if (event.type === 'people') update({ people: event.people })
      else if (event.type === 'refused') refused(event.changes[0]?.rule ?? 'refused')
      else if (event.type === 'removed') update({ removed: true })
      else workshop.onEvent(event)
    }
    const channel = new BoardChannel(provider, onEvent)
    const workshop = new Workshop({ doc, store, provider, channel, boardId, identityId, role })
    update({ channel, workshop })
    const onClosed = (event: { code: number }) => {
      if (event.code === CloseCode.removed) update({ removed: true })
      else if (event.code === CloseCode.secretRotated) update({ revoked: true })
      else if (event.code === CloseCode.boardGone) update({ gone: true })
      else if (event.code === CloseCode.boardFull) {
        // What is on screen stays readable; reconnecting would resend the refused edit.
        $serverReadOnly.set(true)
        update({ full: true })
      }
    }
    provider.on('closed', onClosed)

    // Live workshop state, written by the server from facilitators' commands.
    const session = getSessionMap(doc)
    const readSession = () => {
      $editingMode.set(readEditingMode(doc))
      update({ removedPeople: readRemovedPeople(doc) })
    }
    session.observe(readSession)

    let cleanupBinding: (() => void) | null = null
    let bound = false
    let triedOnce = false
    const setConnectionStatus = (connectionStatus: 'online' | 'offline') =>
      setState((s) => (s.storeWithStatus.status === 'synced-remote' ? { ...s, storeWithStatus: { status: 'synced-remote', store, connectionStatus } } : s))

    // Counting this person's changes until the server has them (kept across reloads).
    let pending = pendingChanges.get(boardId)
    const onDocUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === provider || origin === kept || provider.synced) return
      pending += 1
      pendingChanges.set(boardId, pending)
      update({ pending })
    }
    doc.on('update', onDocUpdate)

    /** Shows the board: once the server synced it, or at once from the copy kept on this device. */
    const bind = (online: boolean) => {
      if (bound) return
      bound = true
      // Marks for the browser benchmark (performance.getEntriesByType('mark')).
      performance.mark('fabrique:bind-start')
      readSession()
      const binding = bindDocToStore({
        store,
        doc,
        canWrite: () => $mode.get() === 'readwrite',
        onSchemaProblem: (problem) => {
          $schemaProblem.set(true)
          update({ schemaProblem: problem })
        },
        onInvalidRecord: (record, err) => console.warn('Fabrique: skipped an invalid record', record, err),
        diverter: workshop.privateWriter,
      })
      performance.mark('fabrique:bound')
      if (binding.state !== 'ok') return
      const unguard = guardWithRules({ store, role, identityId, mode: () => $editingMode.get(), onRefused: refused })
      const unbindPresence = bindPresence(store, provider.awareness, $user)
      workshop.attach()
      cleanupBinding = () => {
        unguard()
        binding.unbind()
        unbindPresence()
      }
      update({ storeWithStatus: { status: 'synced-remote', connectionStatus: online ? 'online' : 'offline', store }, doc })
    }
    const onSync = (synced: boolean) => {
      if (!synced) return
      if (!bound) performance.mark('fabrique:synced')
      $status.set('online')
      pending = 0
      pendingChanges.set(boardId, 0)
      update({ connection: 'live', pending: 0 })
      if (bound) setConnectionStatus('online')
      else bind(true)
    }
    const onKeptLoaded = () => {
      // A board visited before: open it now; the server's sync merges in whatever is newer.
      if (getRecordsMap(doc).size === 0 || provider.synced) return
      bind(false)
      if (triedOnce || !navigator.onLine) update({ connection: 'offline' })
    }
    void kept.whenSynced.then(onKeptLoaded)
    const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
      if (status === 'connected') return // "live" once synced
      if (status === 'disconnected') triedOnce = true
      $status.set('offline')
      update({ connection: bound && (triedOnce || !navigator.onLine) ? 'offline' : 'connecting' })
      setConnectionStatus('offline')
    }
    const onConnectionFailed = () => {
      triedOnce = true
      if (bound && !provider.synced) update({ connection: 'offline' })
    }
    provider.on('sync', onSync)
    provider.on('status', onStatus)
    provider.on('connection-close', onConnectionFailed)

    return () => {
      provider.off('sync', onSync)
      provider.off('status', onStatus)
      provider.off('connection-close', onConnectionFailed)
      doc.off('update', onDocUpdate)
      void kept.destroy()
      provider.off('closed', onClosed)
      session.unobserve(readSession)
      stopMode()
      stopModeState()
      workshop.destroy()
      channel.destroy()
      cleanupBinding?.()
      provider.destroy()
      doc.destroy()
    }
  }, [boardId, token, role, credential, identityId, $user])

  return state
}
