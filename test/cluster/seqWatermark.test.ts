import { describe, expect, it } from 'vitest'
import { SeqWatermark } from '../../server/cluster/SeqWatermark'
import { decodeClusterMessage, encodeClusterMessage } from '../../server/cluster/clusterMessages'

describe('SeqWatermark', () => {
  it('advances over rows received in order, holds rows past a gap until it is filled', () => {
    const w = new SeqWatermark(10)
    w.add(11)
    expect(w.value).toBe(11)
    w.add(13)
    w.add(14)
    expect(w.value).toBe(11)
    expect(w.hasGap).toBe(true)
    w.add(12)
    expect(w.value).toBe(14)
    expect(w.hasGap).toBe(false)
    // Already held: nothing changes.
    w.add(9)
    w.add(14)
    expect(w.value).toBe(14)
  })

  it('jumps to what storage says it holds, keeping the rows held past it', () => {
    const w = new SeqWatermark(3)
    w.add(6)
    w.add(9)
    w.advanceTo(5)
    expect(w.value).toBe(6)
    expect(w.hasGap).toBe(true)
    w.advanceTo(8)
    expect(w.value).toBe(9)
    expect(w.hasGap).toBe(false)
    w.advanceTo(2)
    expect(w.value).toBe(9)
  })
})

describe('cluster messages', () => {
  it('round-trip, and bytes that are not one are refused', () => {
    const update = { kind: 'update', from: 'a1', seq: 123456789, update: new Uint8Array([1, 2, 3]) } as const
    expect(decodeClusterMessage(encodeClusterMessage(update))).toEqual(update)
    const awareness = { kind: 'awareness', from: 'b', update: new Uint8Array([1, 0]) } as const
    expect(decodeClusterMessage(encodeClusterMessage(awareness))).toEqual(awareness)
    expect(() => decodeClusterMessage(new Uint8Array([9, 1, 97]))).toThrow(/unknown cluster message kind/)
    expect(() => decodeClusterMessage(new Uint8Array([...encodeClusterMessage(update), 0]))).toThrow(/trailing/)
    expect(() => decodeClusterMessage(new Uint8Array([0]))).toThrow()
  })
})
