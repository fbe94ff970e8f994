// `npx tsx bench/profileBreakdown.ts <dir-or-file.cpuprofile> [fromSeconds toSeconds]`: where a
// server's CPU time went, from a V8 `--cpu-prof` profile (see BENCHMARKS.md, "Running it"):
// Yjs applying updates, Yjs encoding, SQLite, `ws` framing, Node's I/O and syscalls, garbage
// collection, Fabrique's own code. Each sample goes to the category of the frame it was taken
// in; a native frame (no script) goes to the nearest script frame above it that has one.
// With a time range, only samples in it count (e.g. the load window).
import fs from 'node:fs'
import path from 'node:path'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

const [target, from, to] = process.argv.slice(2)
if (!target) throw new Error('usage: profileBreakdown <dir-or-file.cpuprofile> [fromSeconds toSeconds]')
const files = fs.statSync(target).isDirectory() ? fs.readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f)) : [target]

type Category = 'Yjs: apply' | 'Yjs: encode' | 'Yjs: other' | 'SQLite' | 'ws framing' | 'Node I/O and syscalls' | 'GC' | 'Fabrique' | 'V8 / other native' | 'other JS' | 'idle'

const YJS_APPLY = /applyUpdate|readUpdate|integrate|readStructs|readClientsStructRefs|mergeUpdates|transact|cleanupTransactions|callEventHandlerListeners|readDeleteSet/i
const YJS_ENCODE = /encodeState|writeUpdate|writeStructs|writeDeleteSet|writeClientsStructs|encodeStateVector|toUint8Array|writeVar|diffUpdate/i

function own(frame: CallFrame): Category | null {
  const { url, functionName } = frame
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(idle)') return 'idle'
  if (functionName === '(program)') return 'V8 / other native'
  if (/node_modules\/(yjs|lib0|y-protocols)\//.test(url)) return YJS_APPLY.test(functionName) ? 'Yjs: apply' : YJS_ENCODE.test(functionName) ? 'Yjs: encode' : 'Yjs: other'
  if (url.includes('node_modules/better-sqlite3/')) return 'SQLite'
  if (url.includes('node_modules/ws/')) return 'ws framing'
  if (url.startsWith('node:')) return 'Node I/O and syscalls'
  if (url.includes('/dist/server/') || url.includes('/server/')) return 'Fabrique'
  if (url) return 'other JS'
  return null
}

const totals = new Map<Category, number>()
let sampled = 0
for (const file of files) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const categoryOf = new Map<number, Category>()
  const resolve = (id: number): Category => {
    const known = categoryOf.get(id)
    if (known) return known
    const node = byId.get(id)!
    let category = own(node.callFrame)
    if (!category) {
      // A native frame: its caller says what it was for (a better-sqlite3 `run`, a socket write…).
      const up = parent.get(id)
      category = up === undefined ? 'V8 / other native' : resolve(up)
      if (category === 'Fabrique' || category === 'other JS') category = 'V8 / other native'
    }
    categoryOf.set(id, category)
    return category
  }
  let t = profile.startTime
  const lo = from === undefined ? -Infinity : profile.startTime + Number(from) * 1e6
  const hi = to === undefined ? Infinity : profile.startTime + Number(to) * 1e6
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    t += dt
    if (t < lo || t > hi) return
    const category = resolve(id)
    totals.set(category, (totals.get(category) ?? 0) + dt)
    if (category !== 'idle') sampled += dt
  })
}

const rows = [...totals].filter(([c]) => c !== 'idle').sort((a, b) => b[1] - a[1])
process.stdout.write(`busy CPU in the profile: ${(sampled / 1e6).toFixed(2)} s (${files.length} file${files.length === 1 ? '' : 's'})\n\n| where | CPU | share |\n|---|---|---|\n`)
for (const [category, us] of rows) process.stdout.write(`| ${category} | ${(us / 1e6).toFixed(2)} s | ${((us / sampled) * 100).toFixed(1)} % |\n`)
