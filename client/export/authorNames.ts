import type { Editor } from 'tldraw'
import type * as Y from 'yjs'
import { readPrivateRound, readVoteRecords } from '../../shared/workshop/session'

const plainId = (id: string) => (id.startsWith('user:') ? id.slice('user:'.length) : id)

/**
 * The names Fabrique can know for the identities that wrote on a board, by identity id. The
 * server stamps authors as identity ids (`meta.author`); names come from what the board itself
 * holds: the `user:` record tldraw keeps of everyone who wrote on it, the authors of revealed
 * private rounds, named votes' voters, and the people on the board now.
 */
export function knownAuthorNames(editor: Editor, doc: Y.Doc | null): Map<string, string> {
  const names = new Map<string, string>()
  const add = (id: string | null | undefined, name: string | null | undefined) => {
    const clean = name?.trim()
    if (id && clean && !names.has(plainId(id))) names.set(plainId(id), clean)
  }
  for (const record of editor.store.allRecords()) {
    if (record.typeName === 'user') add(record.id, record.name)
  }
  for (const presence of editor.getCollaborators()) add(presence.userId, presence.userName)
  if (doc) {
    const round = readPrivateRound(doc)
    for (const [id, author] of Object.entries(round?.authors ?? {})) add(id, author.name)
    for (const vote of readVoteRecords(doc)) for (const result of vote.results) for (const voter of result.voters ?? []) add(voter.id, voter.name)
  }
  return names
}

/**
 * How an author is shown when no name is known: a short, stable piece of their identity id
 * (`#a1b2c3`), so one person's notes still read as one person's.
 */
export function unknownAuthor(identityId: string): string {
  return `#${identityId.slice(0, 6)}`
}
