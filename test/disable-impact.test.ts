/** What the plugins page says before a built-in plugin is disabled, and the `uses` declarations it reads. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import { builtinPlugins } from '../plugins/index.ts'

const HX = { 'hx-request': 'true' }

test("every service a built-in plugin asks for is declared in its manifest's uses", () => {
  const root = join(import.meta.dir, '../plugins')
  for (const manifest of builtinPlugins) {
    const dir = join(root, manifest.id)
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.includes('.test.'))
    const asked = new Set<string>()
    for (const f of files) for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\.service(?:<[^>]*>)?\(\s*['"`]([^'"`]+)['"`]/g)) asked.add(m[1]!)
    for (const name of asked) expect({ plugin: manifest.id, service: name, declared: !!manifest.uses?.[name] }).toEqual({ plugin: manifest.id, service: name, declared: true })
  }
})

eachDialect('disable impact', (dialect) => {
  let p: TestPlatform
  let ada: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, builtinPlugins)
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  test('collaboration: its own menu entry, bell and widgets go, and the others say what they lose', async () => {
    const impact = p.host.disableImpact('collaboration')
    expect(impact.dependents).toEqual([])
    expect(impact.features.find((f) => f.kind === 'Menu entries')?.labels).toEqual(['Inbox'])
    expect(impact.features.find((f) => f.kind === 'Header items')?.labels).toEqual(['notifications'])
    expect(impact.losses).toEqual([
      { plugin: 'Planning', what: ['comments on tasks'] },
      { plugin: 'Calendar', what: ['comments on events', 'invitations and reminders in the inbox'] },
      { plugin: 'Dashboard', what: ['the Recent activity widget'] },
    ])

    const ask = await ada.post('/admin/plugins/collaboration/toggle', { to: 'off' }, HX)
    expect(ask.status).toBe(200)
    const html = await ask.text()
    expect(html).toContain('Disable Collaboration?')
    expect(html).toContain('<li>Planning: comments on tasks</li>')
    expect(html).toContain('<li>Calendar: comments on events; invitations and reminders in the inbox</li>')
    expect(p.host.describe('collaboration').status).toBe('enabled')
  })

  test("planning: its layers in the calendar and its widget go with it; the dashboard's checklist loses a step", async () => {
    const impact = p.host.disableImpact('planning')
    expect(impact.losses).toEqual([{ plugin: 'Dashboard', what: ['the project step of the Getting started checklist'] }])
    const kinds = Object.fromEntries(impact.features.map((f) => [f.kind, f.labels]))
    expect(kinds['Menu entries']).toEqual(['Planning'])
    expect(kinds['Calendar layers']!.length).toBeGreaterThan(0)
    expect(kinds['Dashboard widgets']!.length).toBeGreaterThan(0)
  })
})
