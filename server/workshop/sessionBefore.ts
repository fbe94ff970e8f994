import type * as Y from 'yjs'
import { BoardDocKey, getSessionMap } from '../../shared/boardDoc'
import type { DocChange } from '../rooms/transactionChanges'

/**
 * A `session` entry as it was before the client update being judged. Inside an `onChange`
 * hook the document already holds that update, refused parts included (they are set back only
 * after every hook ran): a modified client writing `session.privateRound` or `session.editing`
 * in the same update as its notes must not be judged by what it wrote there.
 */
export function sessionValueBefore(doc: Y.Doc, changes: readonly DocChange[], key: string): unknown {
  const change = changes.find((c) => c.root === BoardDocKey.session && c.path.length === 1 && c.path[0] === key)
  return change ? change.before : getSessionMap(doc).get(key)
}
