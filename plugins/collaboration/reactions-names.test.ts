/** A reaction names who reacted, in its tooltip and accessible label: the viewer first, "and N more" past five. Both dialects. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import collaboration from './index.ts'
import { reactedBy } from './views/thread.tsx'
import { things } from '../../test/helpers/collaboration-things.ts'


test('reactedBy: names, "and", past five "and N more"', () => {
  expect(reactedBy(['You'], 1)).toBe('You')
  expect(reactedBy(['You', 'Ana'], 2)).toBe('You and Ana')
  expect(reactedBy(['A', 'B', 'C'], 3)).toBe('A, B and C')
  expect(reactedBy(['A', 'B', 'C', 'D', 'E', 'F', 'G'], 7)).toBe('A, B, C, D, E and 2 more')
})

eachDialect('reactions name who reacted', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, things])
  }, 30_000)
  afterAll(() => p.stop())

  test('reactions name who reacted, the viewer first, "and N more" past five', async () => {
    const people = await Promise.all(Array.from({ length: 7 }, (_, i) => p.member('member', p.org, `react-${i}-${dialect}@example.com`)))
    const [first] = people
    await first!.client.get('/testing/things/one')
    expect((await first!.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: 'one', body: 'React to me' })).status).toBe(303)
    const html = (await first!.client.get('/testing/things/one')).html
    const cid = [...html.matchAll(/id="comment-([\w-]+)"/g)].at(-1)![1]!
    for (const m of people) {
      await m.client.get('/testing/things/one')
      expect((await m.client.post(`/collaboration/comments/${cid}/react`, { emoji: '🎉' })).status).toBe(303)
    }
    const last = people.at(-1)!
    const thread = (await last.client.get('/testing/things/one')).html
    const names = people.slice(0, 4).map((m) => m.user.name)
    expect(thread).toContain(`title="You, ${names.join(', ')} and 2 more" aria-label="&#127881; 7: You, ${names.join(', ')} and 2 more"`)
  })
})
