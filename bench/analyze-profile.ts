// Summarizes a .cpuprofile (from `PROF_JSON=1 bun bench/profile.ts ...`): self time by area and function, and the nearest app frame.
// usage: bun bench/analyze-profile.ts <file.cpuprofile>
export {}

const file = process.argv[2]
if (!file) throw new Error('usage: bun bench/analyze-profile.ts <file.cpuprofile>')
const prof = JSON.parse(await Bun.file(file).text())
const nodes = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]))
const parentOf = new Map<number, number>()
for (const n of prof.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id)
const selfCount = new Map<number, number>()
for (const s of prof.samples) selfCount.set(s, (selfCount.get(s) ?? 0) + 1)
const area = (n: any) => {
  const u: string = n.callFrame.url || ''
  if (!u) return `native:${n.callFrame.functionName || '(anon)'}`
  const m = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(u)
  if (m) return `lib:${m[1]}`
  return u.replace('/work/main/', '')
}
const byArea = new Map<string, number>()
const byFn = new Map<string, number>()
let total = 0
for (const [id, count] of selfCount) {
  const n = nodes.get(id)
  const name = n.callFrame.functionName
  if (name === '(idle)' || name === '(program)' || name === '(root)') continue
  total += count
  byArea.set(area(n), (byArea.get(area(n)) ?? 0) + count)
  const key = `${name || '(anon)'} ${area(n)}:${n.callFrame.lineNumber}`
  byFn.set(key, (byFn.get(key) ?? 0) + count)
}
// inclusive by area of first non-native, non-lib frame up the stack (who is responsible)
const owner = new Map<string, number>()
for (const [id, count] of selfCount) {
  let cur: number | undefined = id
  let found = ''
  while (cur !== undefined) {
    const n = nodes.get(cur)
    const u: string = n.callFrame.url || ''
    if (u && !u.includes('node_modules')) { found = u.replace('/work/main/', '') + ' ' + n.callFrame.functionName; break }
    cur = parentOf.get(cur)
  }
  const nm = nodes.get(id).callFrame.functionName
  if (nm === '(idle)' || nm === '(program)' || nm === '(root)') continue
  owner.set(found || '(no app frame)', (owner.get(found || '(no app frame)') ?? 0) + count)
}
const topOf = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, c]) => `${(100 * c / total).toFixed(1).padStart(5)}%  ${n}`).join('\n')
console.log(`busy samples: ${total}\n-- by area (self)\n${topOf(byArea, 25)}\n-- top functions (self)\n${topOf(byFn, 30)}\n-- nearest app frame (inclusive of libs/native below it)\n${topOf(owner, 30)}`)
// inclusive: every function on a sample's stack, counted once per sample (what a call costs with all below it)
const inclusive = new Map<string, number>()
for (const [id, count] of selfCount) {
  const nm = nodes.get(id).callFrame.functionName
  if (nm === '(idle)' || nm === '(program)' || nm === '(root)') continue
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
    const n = nodes.get(cur)
    if (!n.callFrame.url) continue
    const key = `${n.callFrame.functionName || '(anon)'} ${area(n)}:${n.callFrame.lineNumber}`
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + count)
  }
}
console.log(`-- inclusive (app and lib frames, with everything they call)\n${topOf(inclusive, Number(process.env.TOP ?? 40))}`)
