import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ASSET_GRANT_TTL_MS, issueAssetGrant, verifyAssetGrant } from '../../server/access/assetGrants'
import { generateLabTokens } from '../../server/access/tokens'

describe('image grants', () => {
  const key = randomBytes(32)
  const { tokens, hashes } = generateLabTokens()
  const now = Date.UTC(2026, 0, 1)

  it('give their role on their board until they expire (30 days), and hold no token', () => {
    const grant = issueAssetGrant(key, 'lab000000001', 'board0000001', 'participant', hashes.participant, now)
    for (const token of Object.values(tokens)) expect(grant).not.toContain(token)
    expect(verifyAssetGrant(key, grant, 'lab000000001', 'board0000001', hashes, now + ASSET_GRANT_TTL_MS - 1)).toBe('participant')
    expect(verifyAssetGrant(key, grant, 'lab000000001', 'board0000001', hashes, now + ASSET_GRANT_TTL_MS)).toBeNull()
    expect(ASSET_GRANT_TTL_MS).toBe(30 * 24 * 3_600_000)
  })

  it('are refused for another board or lab, another key, or once the role’s secret changed', () => {
    const grant = issueAssetGrant(key, 'lab000000001', 'board0000001', 'viewer', hashes.viewer, now)
    expect(verifyAssetGrant(key, grant, 'lab000000001', 'board0000002', hashes, now)).toBeNull()
    expect(verifyAssetGrant(key, grant, 'lab000000002', 'board0000001', hashes, now)).toBeNull()
    expect(verifyAssetGrant(randomBytes(32), grant, 'lab000000001', 'board0000001', hashes, now)).toBeNull()
    expect(verifyAssetGrant(key, grant, 'lab000000001', 'board0000001', { ...hashes, viewer: generateLabTokens().hashes.viewer }, now)).toBeNull()
    // Another role's rotation leaves it alone.
    expect(verifyAssetGrant(key, grant, 'lab000000001', 'board0000001', { ...hashes, participant: generateLabTokens().hashes.participant }, now)).toBe('viewer')
    for (const garbled of [null, undefined, '', 'x', `${grant}x`, grant.replace(/^./, 'A')]) {
      expect(verifyAssetGrant(key, garbled, 'lab000000001', 'board0000001', hashes, now)).toBeNull()
    }
  })
})
