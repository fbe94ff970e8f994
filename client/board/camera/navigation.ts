import { atom, Box, react, type Atom, type Editor, type TLInstancePresence } from 'tldraw'
import { freeRects, type ScreenRect } from './freeArea'
import { followCamera, freeArea, moveCamera, openingCamera, overviewCamera, sameCamera, zoneCamera, zoneInView, type Camera } from './framing'
import { findZones, type BoardZone } from './zones'

/**
 * Moving between a board's zones: the view a board opens with, previous / next zone, and the
 * overview (everything) that a second press leaves for the last zone.
 */

export interface NavigationState {
  /** The last zone the camera was taken to (what "back from the overview" returns to). */
  zoneId: string | null
  /** Where the camera was put last, to tell whether the person moved it since. */
  camera: Camera | null
  /** What that camera shows. */
  view: 'zone' | 'overview' | null
  /** Until when (performance.now()) the camera is animating there. */
  movingUntil: number
}

const states = new WeakMap<Editor, Atom<NavigationState>>()

/** The navigation state of an editor (a tldraw atom: components follow it with `useValue`). */
export function navigationState(editor: Editor): Atom<NavigationState> {
  let state = states.get(editor)
  if (!state) {
    state = atom<NavigationState>('fabrique zone navigation', { zoneId: null, camera: null, view: null, movingUntil: 0 })
    states.set(editor, state)
  }
  return state
}

/** Is the camera still where navigation put it? */
function untouched(editor: Editor): boolean {
  const state = navigationState(editor).get()
  return performance.now() < state.movingUntil || sameCamera(state.camera, editor.getCamera())
}

function go(editor: Editor, camera: Camera, zone: BoardZone | null, view: NavigationState['view'], animate: boolean): void {
  const duration = moveCamera(editor, camera, animate)
  const previous = navigationState(editor).get()
  navigationState(editor).set({ zoneId: zone?.id ?? previous.zoneId, camera, view, movingUntil: duration ? performance.now() + duration + 50 : 0 })
}

/** Takes the camera to a zone (legibly: see zoneCamera). */
export function goToZone(editor: Editor, zone: BoardZone, animate = true, areas: readonly ScreenRect[] = freeArea(editor)): void {
  go(editor, zoneCamera(zone, areas), zone, 'zone', animate)
}

/** Shows everything on the page, remembering the zone to come back to. */
export function goToOverview(editor: Editor, animate = true): void {
  const camera = overviewCamera(editor, freeArea(editor))
  if (!camera) return
  const zones = findZones(editor)
  const state = navigationState(editor).get()
  const here = untouched(editor) && state.view === 'zone' ? zones.find((z) => z.id === state.zoneId) : zones[zoneInView(editor, zones)]
  go(editor, camera, here ?? zones.find((z) => z.id === state.zoneId) ?? null, 'overview', animate)
}

/** Which zone navigation counts from: the one shown, or the last one when showing the overview. */
export function currentZoneIndex(editor: Editor, zones: readonly BoardZone[]): number {
  const state = navigationState(editor).get()
  if (untouched(editor) && state.view) {
    const index = zones.findIndex((z) => z.id === state.zoneId)
    if (state.view === 'zone' || index >= 0) return index
  }
  return zoneInView(editor, zones)
}

/** Is the overview on screen (as navigation put it)? */
export function showingOverview(editor: Editor): boolean {
  return navigationState(editor).get().view === 'overview' && untouched(editor)
}

/** Goes to the next (`+1`) or previous (`-1`) zone; false at either end. */
export function stepZone(editor: Editor, delta: 1 | -1): boolean {
  const zones = findZones(editor)
  if (!zones.length) return false
  const index = currentZoneIndex(editor, zones)
  // Outside every zone, "next" starts at the first one and "previous" at the last one.
  const target = index < 0 ? (delta > 0 ? 0 : zones.length - 1) : index + delta
  if (target < 0 || target >= zones.length) return false
  goToZone(editor, zones[target]!)
  return true
}

/** The overview button: shows everything, or, pressed again, goes back to the last zone. */
export function toggleOverview(editor: Editor): void {
  if (!showingOverview(editor)) return goToOverview(editor)
  const zones = findZones(editor)
  const last = zones.find((z) => z.id === navigationState(editor).get().zoneId) ?? zones[0]
  if (last) goToZone(editor, last)
}

/** The free area before tldraw's panels are on screen to be measured: the room they usually take. */
function estimatedArea(editor: Editor): ScreenRect[] {
  const { w, h } = editor.getViewportScreenBounds()
  const panels: ScreenRect[] = [
    { x: 0, y: 0, w, h: 56 },
    { x: 0, y: h - 64, w, h: 64 },
  ]
  if (w >= 640) panels.push({ x: w - 160, y: 0, w: 160, h: 300 })
  return freeRects(w, h, panels, 0)
}

/**
 * The page rectangle another person sees unobstructed, from their presence: their screen, less
 * the top and bottom rows tldraw's panels usually take there.
 */
function presenceView(presence: TLInstancePresence): Box | null {
  const { camera, screenBounds } = presence
  if (!camera || !screenBounds || !(camera.z > 0) || screenBounds.w <= 0 || screenBounds.h <= 0) return null
  const top = screenBounds.h > 300 ? 56 : 0
  const bottom = screenBounds.h > 300 ? 64 : 0
  return new Box(-camera.x, -camera.y + top / camera.z, screenBounds.w / camera.z, (screenBounds.h - top - bottom) / camera.z)
}

/** What a facilitator on this page is looking at, from their presence (the most recently active one). */
export function facilitatorView(editor: Editor, facilitatorUserIds: readonly string[]): Box | null {
  if (!facilitatorUserIds.length) return null
  const ids = new Set(facilitatorUserIds)
  const pageId = editor.getCurrentPageId()
  const presences = editor.store
    .allRecords()
    .filter((r): r is TLInstancePresence => r.typeName === 'instance_presence')
    .filter((p) => ids.has(p.userId) && p.currentPageId === pageId)
    .sort((a, b) => (b.lastActivityTimestamp ?? 0) - (a.lastActivityTimestamp ?? 0))
  for (const presence of presences) {
    const view = presenceView(presence)
    if (view) return view
  }
  return null
}

export interface OpeningOptions {
  /** tldraw user ids (`user:…`) of the facilitators on the board, as far as this person knows them (a tldraw signal). */
  facilitatorUserIds: { get(): readonly string[] }
  /** How long a facilitator's arrival may still move the view, ms. */
  followWindowMs?: number
}

/**
 * Opens a board legibly: at once with the room tldraw's panels usually take, then again once they
 * are on screen and measured. When a facilitator is on the board (and this person knows it),
 * on what they are looking at — also when their presence arrives in the first seconds, unless
 * the person moved the view meanwhile. Returns a stop function.
 */
export function openBoardView(editor: Editor, options: OpeningOptions): () => void {
  let stopped = false
  // The view the board opened with: while the camera is still there, the person has not moved.
  let opened: Camera | null = null
  const frame = (areas: readonly ScreenRect[], animate: boolean) => {
    const zones = findZones(editor)
    const view = facilitatorView(editor, options.facilitatorUserIds.get())
    if (view) {
      const follow = followCamera(zones, view, areas)
      go(editor, follow.camera, follow.zone, follow.zone ? 'zone' : null, animate)
      opened = follow.camera
      return
    }
    const opening = openingCamera(editor, zones, areas)
    if (!opening) return
    go(editor, opening.camera, opening.zone, opening.zone ? 'zone' : 'overview', animate)
    opened = opening.camera
  }
  frame(estimatedArea(editor), false)

  // Once the panels are laid out (the toolbar and the zone bar are placed), measure them.
  const started = performance.now()
  const container = editor.getContainer()
  let raf = 0
  const whenLaidOut = () => {
    if (stopped) return
    const ready = container.querySelector('.tlui-layout') && (findZones(editor, false).length === 0 || container.querySelector('.fab-zone-nav[data-placed]'))
    if (!ready && performance.now() - started < 2000) {
      raf = requestAnimationFrame(whenLaidOut)
      return
    }
    if (sameCamera(opened, editor.getCamera())) frame(freeArea(editor), false)
  }
  raf = requestAnimationFrame(() => (raf = requestAnimationFrame(whenLaidOut)))

  // A facilitator's presence arriving soon after: show what they are looking at.
  let followed = false
  const stopFollowing = react('fabrique: open on the facilitator', () => {
    const ids = options.facilitatorUserIds.get()
    // Read presences so that this runs again when they change.
    editor.store.query.records('instance_presence').get()
    if (followed || stopped) return
    const view = facilitatorView(editor, ids)
    // Only while the view is the one the board opened with: never after the person moved it.
    if (!view || !sameCamera(opened, editor.getCamera())) return
    followed = true
    queueMicrotask(() => {
      if (stopped || !sameCamera(opened, editor.getCamera())) return
      const follow = followCamera(findZones(editor), view, freeArea(editor))
      go(editor, follow.camera, follow.zone, follow.zone ? 'zone' : null, true)
      opened = follow.camera
    })
  })
  const followWindow = setTimeout(stopFollowing, options.followWindowMs ?? 6000)
  return () => {
    stopped = true
    cancelAnimationFrame(raf)
    clearTimeout(followWindow)
    stopFollowing()
  }
}
