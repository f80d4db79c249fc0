/**
 * @module The demo's comments: a short discussion on a few shared items of earlier seeds (planning's
 * tasks first, then events of a team or organization calendar), never on someone's private item, each
 * written and answered only by people who may see what it is on.
 */
import type { Person } from '../../core/plugins/points.ts'
import type { Collaboration, EntityRef } from './service.ts'

/** Whether a user may see an entity (its `entity.link` permission, then its `resolve()`). */
export type CanSee = (orgId: string, entity: { type: string; id: string }, userId: string) => Promise<boolean>

/** How many items get a discussion, and how many of them at most are not tasks. */
const ITEMS = 4
const OTHERS = 1

/** What people write, by entity type: tasks read like task discussion, events like planning a meeting. */
const LINES: Record<string, { comments: string[]; reply: string }> = {
  'planning.task': {
    comments: [
      'Looks good to me. {m} can you double-check the edge cases before we close this?',
      'I moved this up: it blocks the release. {m} FYI.',
      'Can we split this into two smaller pieces? {m} what do you think?',
      'Left a few notes in the description. **Short version:** ship it, then iterate. {m}',
    ],
    reply: 'On it 👍',
  },
  'calendar.event': {
    comments: ['Agenda so far: **a look back**, then the plans for next quarter. {m} anything to add?', 'I will bring the notes from last time. {m} can you book the room?'],
    reply: 'Sounds good, see you there 👍',
  },
}
const GENERIC = { comments: ['Looks good to me. {m} can you have a look too?', 'Left a few notes. **Short version:** fine as it is. {m}'], reply: 'Thanks 👍' }

/**
 * Who of `people` may see an item, or undefined when it looks private (like a personal calendar's
 * event): it must be seen by more than half of them, or by all of them when there are two or fewer.
 */
async function audience(orgId: string, entity: EntityRef, people: Person[], canSee: CanSee): Promise<Person[] | undefined> {
  const seeing: Person[] = []
  for (const p of people) if (await canSee(orgId, entity, p.id).catch(() => false)) seeing.push(p)
  const needed = people.length <= 2 ? people.length : Math.floor(people.length / 2) + 1
  return seeing.length >= needed ? seeing : undefined
}

/**
 * The items to discuss, with who may see each: shared tasks first, then at most OTHERS shared items of
 * other types (more when there are too few tasks), newest first within each.
 */
export async function pickItems(orgId: string, candidates: EntityRef[], people: Person[], canSee: CanSee): Promise<{ entity: EntityRef; viewers: Person[] }[]> {
  const tasks = candidates.filter((e) => e.type === 'planning.task')
  const others = candidates.filter((e) => e.type !== 'planning.task')
  const picked: { entity: EntityRef; viewers: Person[] }[] = []
  const take = async (list: EntityRef[], until: number) => {
    while (picked.length < until && list.length) {
      const entity = list.shift()!
      const viewers = await audience(orgId, entity, people, canSee)
      if (viewers) picked.push({ entity, viewers })
    }
  }
  await take(tasks, ITEMS - OTHERS)
  await take(others, ITEMS)
  await take(tasks, ITEMS)
  return picked
}

/** Seeds the demo's comments in one organization; returns a one-line summary. */
export async function seedComments(svc: Collaboration, canSee: CanSee, input: { orgId: string; people: Person[]; types: string[] }): Promise<string> {
  const { orgId, people } = input
  if (people.length === 0) return 'no comments (nothing to comment on)'
  const items = await pickItems(orgId, await svc.recentEntities(orgId, input.types, 60), people, canSee)
  if (items.length === 0) return 'no comments (nothing to comment on)'
  const used = new Map<string, number>()
  let n = 0
  for (const [i, { entity, viewers }] of items.entries()) {
    const lines = LINES[entity.type] ?? GENERIC
    const k = used.get(entity.type) ?? 0
    used.set(entity.type, k + 1)
    // the author and the person they mention both see the item; the demo's people take turns
    const author = viewers[i % viewers.length]!
    const other = viewers[(i + 1) % viewers.length]!
    const mention = other.id === author.id ? '' : `@[${other.name}](${other.id})`
    const body = lines.comments[k % lines.comments.length]!.replace(' {m}', mention ? ` ${mention}` : '')
    const row = await svc.create({ orgId, actor: { id: author.id, name: author.name }, entity, body })
    n++
    if (other.id !== author.id) {
      await svc.create({ orgId, actor: { id: other.id, name: other.name }, entity, parentId: row.id, body: lines.reply })
      await svc.toggleReaction(orgId, other.id, row.id, '👍').catch(() => false)
      n++
    }
  }
  return `${n} comments on ${items.length} item${items.length === 1 ? '' : 's'}`
}
