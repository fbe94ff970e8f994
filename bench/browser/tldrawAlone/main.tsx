// The benchmark's reference: the same records as a Fabrique board, fetched as JSON and put
// into a tldraw store in one transaction, with tldraw's own assets — no Yjs, no binding, no
// server. What Fabrique's page takes beyond this is Fabrique's own cost.
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { createRoot } from 'react-dom/client'
import { createTLStore, defaultBindingUtils, defaultShapeUtils, Tldraw, type Editor, type TLRecord } from 'tldraw'
import 'tldraw/tldraw.css'

const assetUrls = getAssetUrlsByImport()

async function main() {
  const records = (await (await fetch('/records.json')).json()) as TLRecord[]
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  store.mergeRemoteChanges(() => store.put(records))
  performance.mark('alone:stored')
  createRoot(document.getElementById('root')!).render(
    <Tldraw
      store={store}
      assetUrls={assetUrls}
      onMount={(editor: Editor) => {
        ;(window as unknown as { fabriqueEditor: Editor }).fabriqueEditor = editor
      }}
    />,
  )
}
void main()
