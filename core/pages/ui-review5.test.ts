import { expect, test } from 'bun:test'
import { AuditTable, detailText } from '../../views/audit-table.tsx'
import { optionLabel } from './admin-settings-form.tsx'

test('audit details read as escaped "key: value" lines, not raw JSON; the table stacks on phones', () => {
  const html = AuditTable({
    entries: [
      { id: 1, at: new Date('2026-11-25T10:00:00Z'), actorEmail: 'a@x.test', action: 'role.created', target: 'Contractor', ip: '127.0.0.1', orgId: null, details: { permissions: ['core.members.read', 'core.teams.manage'], name: '<b>x</b>', admin: true } },
      { id: 2, at: new Date('2026-11-25T10:00:00Z'), actorEmail: null, action: 'org.demo_created', target: null, ip: null, orgId: null, details: null },
    ],
  }) as string
  expect(html).toContain('class="audit-log stack"')
  expect(html).toContain('data-label="Details"')
  expect(html).toContain('<dt>permissions</dt><dd>core.members.read, core.teams.manage</dd>')
  expect(html).toContain('<dd>&lt;b&gt;x&lt;/b&gt;</dd>')
  expect(html).not.toContain('<b>x</b>')
  expect(html).toContain('<dd>yes</dd>')
  expect(html).not.toContain('{&quot;')
  expect(detailText({ a: 1 })).toBe('{"a":1}')
  expect(detailText([])).toBe('—')
})

test('settings options show humanized labels for literal values', () => {
  expect(optionLabel('monday')).toBe('Monday')
  expect(optionLabel('week_start')).toBe('Week start')
  expect(optionLabel('weekStart')).toBe('Week start')
  expect(optionLabel('UTC')).toBe('UTC')
  expect(optionLabel('pdf')).toBe('PDF')
  expect(optionLabel(15)).toBe('15')
  expect(optionLabel(true)).toBe('Yes')
})
