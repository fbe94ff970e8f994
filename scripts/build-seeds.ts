// Writes every board seed (blank and each template, in French and English) next to the
// bundled server, so the running server never needs tldraw's schema code.
import fs from 'node:fs'
import path from 'node:path'
import { buildBoardSeed } from '../shared/boardSeed'
import { allSeeds, SCHEMA_FILE, seedFileName } from '../shared/boardSeedFiles'
import { createBoardSchema } from '../shared/tldrawDoc'

const dir = path.resolve(process.argv[2] ?? 'dist/server/seeds')
fs.mkdirSync(dir, { recursive: true })
for (const { template, lang } of allSeeds()) fs.writeFileSync(path.join(dir, seedFileName(template, lang)), buildBoardSeed(template, lang))
fs.writeFileSync(path.join(dir, SCHEMA_FILE), JSON.stringify(createBoardSchema().serialize()))
console.log(`built ${allSeeds().length} board seeds in ${path.relative(process.cwd(), dir)}`)
