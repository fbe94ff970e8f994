import { cleanName, IDENTITY_NAME_MAX, isColor, PERSON_COLORS, type IssuedIdentity } from '../../shared/identity'
import { authorizeLab } from '../access/authorize'
import { newIdentity } from '../access/identities'
import type { Storage } from '../persistence/Storage'
import { HttpError } from './HttpError'
import { bearerToken, readJson, sendJson } from './io'
import type { Router } from './Router'

/**
 * `POST /api/labs/:labId/identities`: a person of the lab (any role) gets an identity — the
 * id the server stamps on what they create and the name others see — and the secret their
 * browser keeps to present it when it connects to a board.
 */
export function addIdentityRoutes(router: Router, { storage }: { storage: Storage }): void {
  router.add('POST', '/api/labs/:labId/identities', async ({ req, res, params }) => {
    const labId = params.labId!
    await authorizeLab(storage, labId, bearerToken(req))
    const body = await readJson(req)
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'input.invalid', 'body must be a JSON object')
    const { name: rawName, color: rawColor, ...extra } = body as Record<string, unknown>
    if (Object.keys(extra).length > 0) throw new HttpError(400, 'input.invalid', `unknown fields: ${Object.keys(extra).map((k) => `"${k}"`).join(', ')}`)
    const name = cleanName(rawName)
    if (name === null) throw new HttpError(400, 'input.invalid', `"name" must be 1 to ${IDENTITY_NAME_MAX} characters`)
    if (rawColor !== undefined && !isColor(rawColor)) throw new HttpError(400, 'input.invalid', '"color" must be a colour like #1971c2')
    const color = (rawColor as string | undefined) ?? PERSON_COLORS[Math.floor(Math.random() * PERSON_COLORS.length)]!
    const { identity, secret } = newIdentity(labId, name, color)
    await storage.createIdentity(identity)
    const answer: IssuedIdentity = { id: identity.id, name, color, secret }
    sendJson(res, 201, answer)
  })
}
