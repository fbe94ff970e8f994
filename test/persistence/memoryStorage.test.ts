import { MemoryStorage } from '../../server/persistence/MemoryStorage'
import { describeStorageContract } from './storageContract'

describeStorageContract('MemoryStorage', () => new MemoryStorage())
