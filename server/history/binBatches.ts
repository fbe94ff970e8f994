import type { StoredRecord } from '../../shared/boardDoc'
import type { BinBatch, BinRecordSummary } from '../../shared/history'
import { noteText } from '../workshop/noteText'
import type { BinEntry } from '../persistence/Storage'

/** A record of the bin as a list shows it: what it is and its text. */
function summarise(record: StoredRecord): BinRecordSummary {
  const props = record.props as { name?: unknown; text?: unknown } | undefined
  const text = noteText(record) || (typeof props?.name === 'string' ? props.name : '') || (typeof props?.text === 'string' ? props.text : '')
  return {
    id: record.id,
    typeName: record.typeName,
    ...(typeof record.type === 'string' && { type: record.type }),
    ...(text && { text }),
  }
}

/** Bin entries (newest first) grouped by the change that deleted them, newest batch first. */
export function binBatches(entries: readonly BinEntry[]): BinBatch[] {
  const batches = new Map<string, BinBatch>()
  for (const entry of entries) {
    let batch = batches.get(entry.batch)
    if (!batch) batches.set(entry.batch, (batch = { batch: entry.batch, deletedAt: entry.deletedAt, deletedBy: entry.deletedBy, records: [] }))
    batch.records.push(summarise(entry.record))
  }
  return [...batches.values()]
}
