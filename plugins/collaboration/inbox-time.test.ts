/** The inbox's timestamps: one relative form on every row ("3 h ago"), the exact UTC time in its title. */
import { expect, test } from 'bun:test'
import { InboxPage, ago } from './views/pages.tsx'

const now = new Date('2026-11-25T18:00:00Z')
const before = (ms: number) => new Date(now.getTime() - ms)

test('ago: minutes, hours, yesterday, days, then the date', () => {
  expect(ago(before(20_000), now)).toBe('just now')
  expect(ago(before(5 * 60_000), now)).toBe('5 min ago')
  expect(ago(before(3 * 3_600_000 + 59 * 60_000), now)).toBe('3 h ago')
  expect(ago(before(30 * 3_600_000), now)).toBe('yesterday')
  expect(ago(before(4 * 86_400_000), now)).toBe('4 days ago')
  expect(ago(new Date('2026-11-03T09:30:00Z'), now)).toBe('2026-11-03')
  // a clock a little ahead on another instance: not "in the future"
  expect(ago(new Date(now.getTime() + 30_000), now)).toBe('just now')
})

test('every inbox row shows how long ago, with the UTC time in a title (no absolute UTC beside a zoned event time)', () => {
  const row = (id: string, createdAt: Date, text?: string) =>
    ({ id, orgId: 'o', userId: 'u', kind: 'invitation', title: `Row ${id}`, text: text ?? null, href: null, actorId: null, entityType: null, entityId: null, readAt: null, createdAt }) as any
  const html = InboxPage({
    rows: [row('a', before(3 * 3_600_000), '2026-12-03 14:00 (Europe/Berlin) · Main room'), row('b', before(2 * 60_000))],
    unread: 2,
    csrf: 't',
    filter: 'all',
    actors: new Map(),
    now,
  }) as string
  expect(html).toContain('<time datetime="2026-11-25T15:00:00.000Z" title="2026-11-25 15:00 UTC">3 h ago</time>')
  expect(html).toContain('title="2026-11-25 17:58 UTC">2 min ago</time>')
  expect(html).not.toMatch(/>\s*2026-11-25 \d\d:\d\d UTC/)
})
