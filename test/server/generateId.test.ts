import { describe, expect, it } from 'vitest'
import { generateId } from '../../server/access/tokens'
import { isId } from '../../shared/validation'

describe('generateId', () => {
  it('gives 96-bit url-safe ids, all different, across many refills of its random pool', () => {
    const ids = Array.from({ length: 5_000 }, generateId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/)
      expect(isId(id)).toBe(true)
    }
    // Every position of an id varies (no constant part left by the pool's slicing).
    for (let i = 0; i < 16; i++) expect(new Set(ids.map((id) => id[i])).size).toBeGreaterThan(32)
  })
})
