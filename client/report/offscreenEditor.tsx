import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { createRoot } from 'react-dom/client'
import { createTLStore, defaultBindingUtils, defaultShapeUtils, Tldraw, type Editor } from 'tldraw'
import type * as Y from 'yjs'
import { createAssetStore } from '../board/assetStore'
import { bindDocToStore } from '../board/bindDocToStore'

/** Fonts and icons from Fabrique's origin, as on the board page. */
const assetUrls = getAssetUrlsByImport()

export interface OffscreenOptions {
  boardId: string
  token: string
  licenseKey: string | null
}

/**
 * Runs `use` with a tldraw editor showing `doc` — read-only, outside the visible page — so a
 * board can be drawn (exported) without being opened: the document is bound to a store the
 * way the canvas binds it (records validated), never written back.
 */
export async function withOffscreenEditor<T>(doc: Y.Doc, { boardId, token, licenseKey }: OffscreenOptions, use: (editor: Editor) => Promise<T>): Promise<T> {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils, assets: createAssetStore(boardId, token) })
  let problem: string | null = null
  const binding = bindDocToStore({ store, doc, canWrite: () => false, onSchemaProblem: (state, reason) => (problem = `${state}: ${reason}`) })
  if (binding.state !== 'ok') {
    binding.unbind()
    store.dispose()
    throw new Error(`withOffscreenEditor: board ${boardId} cannot be read here (${problem ?? binding.state})`)
  }
  // In the page (text is measured with the DOM), out of sight and out of the way.
  const host = document.createElement('div')
  host.setAttribute('aria-hidden', 'true')
  host.style.cssText = 'position:fixed;left:-20000px;top:0;width:1600px;height:1000px;pointer-events:none;'
  document.body.append(host)
  const root = createRoot(host)
  try {
    const editor = await new Promise<Editor>((resolve) => {
      const onMount = (mounted: Editor) => {
        mounted.updateInstanceState({ isReadonly: true })
        resolve(mounted)
      }
      // Never focused: the page's keys stay the page's.
      root.render(<Tldraw store={store} assetUrls={assetUrls} licenseKey={licenseKey ?? undefined} hideUi autoFocus={false} onMount={onMount} />)
    })
    return await use(editor)
  } finally {
    root.unmount()
    host.remove()
    binding.unbind()
    store.dispose()
  }
}
