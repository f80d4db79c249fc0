/** @module Task views: the filtered list with bulk edit, the kanban board, the task form and the task page. */
import { escapeHtml } from '@kitajs/html'
import { renderMarkdown } from '../../../core/markdown.ts'
import type { Person } from '../../../core/plugins/points.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, LocalTime, PageHeader, Select, type FieldErrors } from '../../../views/components.tsx'
import { day, type Cycle, type Label, type Milestone, type Project, type SavedView, type State } from '../service.ts'
import { EDIT_FIELDS, labelSet, origName, originals, type Originals } from '../task-edit.ts'
import { SORTS, type Task } from '../tasks.ts'
import { stateIdsOf } from '../filters.ts'
import { FilterPicker, ShortcutsHelp, groupOptions, valuesOf } from './filter-fields.tsx'
import { FilterChips } from './list-parts.tsx'
import { BoardScript, LabelChips, LabelPicker, NewTaskButton, PriorityBadge, ProjectTabs, StateBadge, TextArea, isOverdue, peopleOptions, priorityLabel, priorityOptions, safeKeys, sentenceCase, stateOptions } from './ui.tsx'

/** What a project's task pages need about it. */
export interface ProjectContext {
  project: Project
  states: State[]
  labels: Label[]
  people: Person[]
  milestones: Milestone[]
  cycles: Cycle[]
  csrf?: string
  manage: boolean
  write: boolean
}

/** The list's query keys set in the "Filters and sort" panel. */
const PANEL_KEYS = ['state', 'group', 'open', 'assignee', 'label', 'priority', 'dueAfter', 'dueBefore', 'sort', 'dir', 'milestone', 'cycle'] as const

/** The task list with filters, saved views, bulk edit and paging. */
export function TaskListPage(props: {
  pc: ProjectContext
  tasks: Task[]
  nextCursor: string | null
  query: Record<string, string>
  views: SavedView[]
  error?: string
  bulkError?: string
  /** A "Save as view" refused: the name typed and why. */
  view?: { name: string; error: string }
}) {
  const { pc, query } = props
  const base = `/planning/projects/${pc.project.key}`
  const qs = new URLSearchParams(Object.entries(query).filter(([k, v]) => v && k !== 'cursor')).toString()
  // what the folded panel holds (the search box stays outside it): open when any of it is in use
  const active = PANEL_KEYS.filter((k) => query[k] && !(k === 'sort' && query[k] === 'number')).length
  return (
    <>
      <PageHeader title={`${pc.project.key} · ${pc.project.name}`} subtitle={pc.project.description.split('\n')[0]}>
        {pc.write ? (
          <NewTaskButton project={pc.project} />
        ) : (
          ''
        )}
        <a href={`${base}/export.csv${qs ? `?${qs}` : ''}`} role="button" class="secondary outline">
          Export CSV
        </a>
        {pc.write ? (
          <a href={`${base}/import`} role="button" class="secondary outline">
            Import
          </a>
        ) : (
          ''
        )}
      </PageHeader>
      <ProjectTabs project={pc.project} current="list" manage={pc.manage} />
      <FormError message={props.error} />
      <div class="pl-views">
        <span class="muted">Views:</span>
        <a href={base} aria-current={!qs ? 'page' : undefined}>
          All tasks
        </a>
        {props.views.map((v) => (
          <span class="pl-view">
            <a href={`${base}?${v.query}`} aria-current={sameQuery(v.query, qs) ? 'page' : undefined} safe>
              {v.name}
            </a>
            {/* asks on a page of its own (no script needed) before the view goes */}
            <form method="post" action={`${base}/views/${v.id}/delete`} class="inline-form">
              <CsrfField token={pc.csrf} />
              <button type="submit" class="link-button" aria-label={`Delete view ${v.name}…`} title="Delete view…">
                ×
              </button>
            </form>
          </span>
        ))}
        {props.view || (qs && !props.views.some((v) => sameQuery(v.query, qs))) ? (
          <details class="pl-save-view" open={props.view ? true : undefined}>
            <summary>Save as view</summary>
            <form method="post" action={`${base}/views`} class="row-form">
              <CsrfField token={pc.csrf} />
              <input type="hidden" name="query" value={qs} />
              <input
                type="text"
                name="name"
                value={props.view?.name}
                placeholder="Name this view"
                aria-label="View name"
                required
                maxlength={60}
                aria-invalid={props.view ? 'true' : undefined}
                aria-describedby={props.view ? 'view-name-error' : undefined}
              />
              <button type="submit" class="secondary outline">
                Save view
              </button>
              {props.view ? (
                <small id="view-name-error" class="field-error" role="alert" safe>
                  {props.view.error}
                </small>
              ) : (
                ''
              )}
            </form>
          </details>
        ) : (
          ''
        )}
      </div>
      <search>
        <form method="get" action={base} class="pl-filter-form">
          <div class="pl-search-bar">
            <label for="filter-q" class="visually-hidden">
              Search
            </label>
            <input id="filter-q" type="search" name="q" value={query.q ?? ''} placeholder={`Title or ${pc.project.key}-42`} title="Search (press /)" data-shortcut="/" aria-keyshortcuts="/" />
            <button type="submit" class="secondary outline">
              Search
            </button>
            {qs ? (
              <a href={base} class="pl-clear">
                Clear
              </a>
            ) : (
              ''
            )}
          </div>
          <details class="pl-filter-panel" open={active > 0 || undefined}>
            <FilterSummary title="Filters and sort" active={active} />
            <div class="pl-pickers">
              <FilterPicker name="state" label="State" options={pc.states.map((s) => ({ value: s.id, label: s.name, group: s.group }))} values={stateIdsOf(query.state, pc.states) ?? []} id="filter-state" />
              <FilterPicker name="group" label="State group" options={groupOptions} values={valuesOf(query.group)} id="filter-group" />
              <AssigneeLabelPriority pc={pc} query={query} idPrefix="filter" />
            </div>
            <div class="pl-filters">
              {query.open ? <input type="hidden" name="open" value={query.open} /> : ''}
              <MilestoneCycle pc={pc} query={query} idPrefix="filter" />
              <label for="filter-due-after">
                <span>Due after</span>
                <input id="filter-due-after" type="date" name="dueAfter" value={query.dueAfter ?? ''} />
              </label>
              <label for="filter-due-before">
                <span>Due before</span>
                <input id="filter-due-before" type="date" name="dueBefore" value={query.dueBefore ?? ''} />
              </label>
              <Select name="sort" label="Sort by" options={SORTS.map((s) => ({ value: s, label: sentenceCase(s) }))} value={query.sort ?? 'number'} id="filter-sort" />
              <Select name="dir" label="Order" options={[{ value: '', label: 'Default' }, { value: 'asc', label: 'Ascending' }, { value: 'desc', label: 'Descending' }]} value={query.dir} id="filter-dir" />
            </div>
            <button type="submit">Apply filters</button>
          </details>
        </form>
      </search>
      <FilterChips pc={pc} query={query} />
      {/* a bulk change refused where no bulk form shows (no task listed) still says why */}
      {props.tasks.length === 0 ? <FormError message={props.bulkError} /> : ''}
      {props.tasks.length === 0 ? (
        <EmptyState title={qs ? 'No tasks match these filters' : 'No tasks yet'}>
          {pc.write && !qs ? (
            <p>
              <a href={`${base}/tasks/new`}>Create the first task</a> (or press <kbd>c</kbd>).
            </p>
          ) : (
            ''
          )}
        </EmptyState>
      ) : (
        <form method="post" action={`${base}/bulk`} id="bulk-form" class={props.bulkError ? 'pl-bulk-error' : undefined}>
          <CsrfField token={pc.csrf} />
          <input type="hidden" name="back" value={`${base}${qs ? '?' + qs : ''}`} />
          <div class="table-wrap">
            <table class="pl-task-table" data-rows>
              <thead>
                <tr>
                  {pc.write ? (
                    <th class="pl-c-check">
                      {/* board.js shows it and checks or clears every row (a script's job: hidden without one) */}
                      <input type="checkbox" class="pl-select-all" aria-label="Select all tasks on this page" title="Select all" hidden />
                    </th>
                  ) : (
                    ''
                  )}
                  <th>Key</th>
                  <th>Title</th>
                  <th>State</th>
                  <th>Priority</th>
                  <th>Assignee</th>
                  <th>Estimate</th>
                  <th>Due</th>
                </tr>
              </thead>
              <tbody>
                {taskRowsHtml(props.tasks, pc.write) as 'safe'}
              </tbody>
            </table>
          </div>
          {props.nextCursor ? (
            <p class="pager">
              <a href={`${base}?${qs ? qs + '&' : ''}cursor=${encodeURIComponent(props.nextCursor)}`}>Next page</a>
            </p>
          ) : (
            ''
          )}
          {pc.write ? (
            // on a phone the bulk form lies below the whole list: while tasks are selected this bar
            // sticks to the bottom of the screen with the count and jumps to the form (CSS only)
            <a href="#bulk-edit" class="pl-bulk-bar">
              <span class="pl-bulk-count"></span>
              <span>
                Edit<span class="visually-hidden"> the selected tasks</span>
              </span>
            </a>
          ) : (
            ''
          )}
          {pc.write ? (
            <fieldset class="pl-bulk" id="bulk-edit">
              <legend>
                Change the selected tasks <span class="pl-selected" aria-hidden="true"></span>
              </legend>
              <FormError message={props.bulkError} />
              <Select name="state" label="State" options={stateOptions(pc.states, 'Keep')} id="bulk-state" />
              <Select name="assigneeId" label="Assignee" options={[{ value: '', label: 'Keep' }, { value: '-', label: 'Unassigned' }, ...peopleOptions(pc.people)]} id="bulk-assignee" />
              <Select name="priority" label="Priority" options={priorityOptions('Keep')} id="bulk-priority" />
              <Select name="label" label="Add label" options={[{ value: '', label: 'None' }, ...pc.labels.map((l) => ({ value: l.id, label: l.name }))]} id="bulk-label" />
              {pc.labels.length ? <Select name="unlabel" label="Remove label" options={[{ value: '', label: 'None' }, ...pc.labels.map((l) => ({ value: l.id, label: l.name }))]} id="bulk-unlabel" /> : ''}
              {pc.milestones.length ? <Select name="milestoneId" label="Milestone" options={[{ value: '', label: 'Keep' }, { value: '-', label: 'No milestone' }, ...pc.milestones.map((m) => ({ value: m.id, label: m.name }))]} id="bulk-milestone" /> : ''}
              {pc.cycles.length ? <Select name="cycleId" label="Cycle" options={[{ value: '', label: 'Keep' }, { value: '-', label: 'No cycle' }, ...pc.cycles.map((c) => ({ value: c.id, label: c.name }))]} id="bulk-cycle" /> : ''}
              <button type="submit">Apply to selected</button>
              {/* asks on a page of its own (no script needed) before anything is deleted */}
              <button type="submit" name="op" value="delete" class="outline danger pl-bulk-delete">
                Delete selected{'&hellip;'}
              </button>
            </fieldset>
          ) : (
            ''
          )}
        </form>
      )}
      <ShortcutsHelp />
      <BoardScript />
    </>
  )
}

/** Two query strings with the same parameters and values, whatever their order and encoding (a saved view and the list's own). */
const sameQuery = (a: string, b: string) => {
  const norm = (q: string) => new URLSearchParams([...new URLSearchParams(q)].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))).toString()
  return norm(a) === norm(b)
}

/** The heading of a folded filter panel, with how many filters are set. */
function FilterSummary(props: { title: 'Filters and sort' | 'Filters'; active: number }) {
  return (
    <summary>
      {props.title}
      {props.active ? (
        <span class="badge" safe>
          {`${props.active} active`}
        </span>
      ) : (
        ''
      )}
    </summary>
  )
}

/** The assignee, label and priority pickers the list and the board share (ids `<idPrefix>-<name>`), several values each; labels by id or name. */
function AssigneeLabelPriority(props: { pc: ProjectContext; query: Record<string, string>; idPrefix: string }) {
  const { pc, query, idPrefix } = props
  return (
    <>
      <FilterPicker name="assignee" label="Assignee" options={[{ value: 'me', label: 'Me' }, { value: 'none', label: 'Unassigned' }, ...peopleOptions(pc.people)]} values={valuesOf(query.assignee)} id={`${idPrefix}-assignee`} />
      {pc.labels.length || query.label ? <FilterPicker name="label" label="Label" options={pc.labels.map((l) => ({ value: l.id, label: l.name, color: l.color }))} values={stateIdsOf(query.label, pc.labels) ?? []} id={`${idPrefix}-label`} /> : ''}
      <FilterPicker name="priority" label="Priority" options={priorityOptions()} values={valuesOf(query.priority)} id={`${idPrefix}-priority`} />
    </>
  )
}

/**
 * The milestone and cycle filters the list and the board share (ids `<idPrefix>-<name>`); each shows
 * when the project has some, or when the query names one (so a saved view's cycle can be changed here).
 */
function MilestoneCycle(props: { pc: ProjectContext; query: Record<string, string>; idPrefix: string }) {
  const { pc, query, idPrefix } = props
  return (
    <>
      {pc.milestones.length || query.milestone ? <Select name="milestone" label="Milestone" options={[{ value: '', label: 'Any milestone' }, ...pc.milestones.map((m) => ({ value: m.id, label: m.name }))]} value={query.milestone} id={`${idPrefix}-milestone`} /> : ''}
      {pc.cycles.length || query.cycle ? <Select name="cycle" label="Cycle" options={[{ value: '', label: 'Any cycle' }, ...pc.cycles.map((c) => ({ value: c.id, label: c.name }))]} value={query.cycle} id={`${idPrefix}-cycle`} /> : ''}
    </>
  )
}

/** A short list of tasks: key and title linked, then the state. */
function RelatedTasks(props: { tasks: Task[] }) {
  return (
    <ul class="pl-related">
      {props.tasks.map((t) => (
        <li>
          <a href={`/planning/tasks/${t.key}`}>
            {safeKeys(`${t.key} ${t.title}`)}
          </a>{' '}
          <StateBadge state={t.state} />
        </li>
      ))}
    </ul>
  )
}

/** Asks before a bulk delete: the tasks it would remove, and one button that removes them. */
export function BulkDeletePage(props: { pc: ProjectContext; tasks: Task[]; back: string }) {
  const { pc } = props
  const n = props.tasks.length
  const what = `${n} task${n === 1 ? '' : 's'}`
  return (
    <>
      <PageHeader title={`Delete ${what}?`} subtitle={`From ${pc.project.key} · ${pc.project.name}. Their history and relations go too; sub-tasks stay, without a parent.`} />
      <RelatedTasks tasks={props.tasks} />
      <form method="post" action={`/planning/projects/${pc.project.key}/bulk`} class="pl-form-actions">
        <CsrfField token={pc.csrf} />
        <input type="hidden" name="op" value="delete" />
        <input type="hidden" name="confirm" value="yes" />
        <input type="hidden" name="back" value={props.back} />
        {props.tasks.map((t) => (
          <input type="hidden" name="ids" value={t.id} />
        ))}
        <button type="submit" class="outline danger" safe>
          {`Delete ${what}`}
        </button>
        <a href={props.back}>Cancel</a>
      </form>
    </>
  )
}

/**
 * The options of a card's state select, `selected` on `current`. Values are the state names (unique in
 * a project, and the move routes take a name or an id), written as the option's text alone: 36-byte
 * ids on every option of 200 cards made most of the board's weight.
 */
function stateOptionsHtml(states: State[], current: string): string {
  return states
    .map((s) => {
      const name = escapeHtml(s.name)
      // an option's value is its text with whitespace collapsed: spell it out when that changes it
      const value = s.name.replace(/\s+/g, ' ').trim() === s.name ? '' : ` value="${name}"`
      return `<option${value}${s.id === current ? ' selected' : ''}>${name}</option>`
    })
    .join('')
}

/** What every card or row of one render shares: badges and chips are the same strings on many of them. */
class CardParts {
  /** Today (YYYY-MM-DD, UTC): an open task due before it is overdue. */
  readonly today = day(new Date())
  private readonly badges = new Map<string, string>()
  private readonly chips = new Map<string, string>()
  private readonly states = new Map<string, string>()

  safeState(state: State): string {
    let html = this.states.get(state.id)
    if (html === undefined) this.states.set(state.id, (html = StateBadge({ state }) as string))
    return html
  }

  safeBadge(priority: string): string {
    let html = this.badges.get(priority)
    if (html === undefined) this.badges.set(priority, (html = PriorityBadge({ priority }) as string))
    return html
  }

  safeChips(labels: Label[]): string {
    if (!labels.length) return ''
    let inner = ''
    for (const l of labels) {
      let chip = this.chips.get(l.id)
      if (chip === undefined) this.chips.set(l.id, (chip = `<span class="pl-label" data-color="${escapeHtml(l.color)}">${escapeHtml(l.name)}</span>`))
      inner += chip
    }
    return `<span class="pl-labels">${inner}</span>`
  }
}

/**
 * One card, as a string: the board renders up to 200 of them and JSX attribute handling was most of
 * its time. Every value is escaped here (what `safe` does in JSX). Movable by drag and drop
 * (board.js), with its state select (board.js sends the change through htmx and swaps the board), and
 * without JavaScript: the select and the card's Move button submit the board's one form (the button's
 * value names the task, the select's name is the task too).
 */
function boardCardHtml(t: Task, parts: CardParts, safeOptions: string | undefined): string {
  const key = escapeHtml(t.key)
  // assignee and estimate share one line (planning.css: a long name gives way, the estimate never wraps alone)
  const assignee = t.assignee ? `<small class="pl-card-assignee">${escapeHtml(t.assignee.name)}</small>` : ''
  const estimate = t.estimate != null ? `<small class="pl-card-estimate">${escapeHtml(`${t.estimate} pt`)}</small>` : ''
  const who = assignee || estimate ? `<span class="pl-card-who">${assignee}${estimate}</span>` : ''
  // the due date ends the meta line (no line of its own), overdue in the danger colour as in the list
  const due = t.dueAt ? (isOverdue(t, parts.today) ? `<small class="pl-card-due pl-overdue">Overdue ${day(t.dueAt)}</small>` : `<small class="pl-card-due">Due ${day(t.dueAt)}</small>`) : ''
  const controls = safeOptions === undefined ? '' : `<select name="${key}" aria-label="State of ${key}">${safeOptions}</select><button name="move" value="${key}">Move</button>`
  return (
    `<li class="pl-card" id="card-${key}" data-position="${escapeHtml(String(t.position))}" tabindex="0" data-row>` +
    `<a href="/planning/tasks/${key}" class="pl-card-title"><small class="task-key">${key}</small> <span>${escapeHtml(t.title)}</span></a>` +
    `<div class="pl-card-meta">${parts.safeBadge(t.priority)}${parts.safeChips(t.labels)}${who}${due}</div>${controls}</li>`
  )
}

/**
 * The list's rows, as one string (like the board's cards: a page of up to 500 rows spent most of its
 * time in JSX attribute handling). Every value is escaped here, as `safe` does in JSX; the dash is
 * an entity, so a page of ASCII titles stays a one-byte string (cheaper to send).
 */
function taskRowsHtml(tasks: Task[], write: boolean): string {
  const parts = new CardParts()
  let html = ''
  for (const t of tasks) {
    const key = escapeHtml(t.key)
    const href = `/planning/tasks/${key}`
    html +=
      `<tr class="pl-row" tabindex="0" aria-selected="false" data-href="${href}" data-row>` +
      (write ? `<td class="pl-c-check"><input type="checkbox" name="ids" value="${escapeHtml(t.id)}" aria-label="Select ${key}"/></td>` : '') +
      `<td class="pl-c-key"><a href="${href}">${key}</a></td>` +
      `<td class="pl-c-title"><span>${escapeHtml(t.title)}</span> ${parts.safeChips(t.labels)}</td>` +
      `<td>${parts.safeState(t.state)}</td>` +
      (t.priority === 'none' ? '<td class="pl-c-none">&mdash;</td>' : `<td>${parts.safeBadge(t.priority)}</td>`) +
      (t.assignee ? `<td class="nowrap">${escapeHtml(t.assignee.name)}</td>` : '<td class="nowrap pl-c-none">&mdash;</td>') +
      (t.estimate == null ? '<td class="pl-c-none">&mdash;</td>' : `<td class="pl-c-estimate">${t.estimate}</td>`) +
      (t.dueAt ? dueCellHtml(t, parts.today) : '<td class="nowrap pl-c-none">&mdash;</td>') +
      '</tr>'
  }
  return html
}

/** A list row's due date: an open task past it in the danger colour, and "overdue" said to screen readers. */
export function dueCellHtml(t: Task, today: string): string {
  return isOverdue(t, today) ? `<td class="nowrap pl-c-due pl-overdue" title="Overdue">${day(t.dueAt)}<span class="visually-hidden"> (overdue)</span></td>` : `<td class="nowrap pl-c-due">${day(t.dueAt)}</td>`
}

/** The board's filter keys set in its "Filters" panel (the search box stays outside it). */
const BOARD_PANEL_KEYS = ['assignee', 'label', 'priority', 'milestone', 'cycle'] as const

/**
 * The board's columns (swapped whole after a move with a select). For those who may move tasks it is
 * one form (one CSRF field) posting to the board: `move` names the task, its select the state, and
 * `view` carries the board's filters so the answer is the same board. Each column shows how many
 * tasks match in that state and, past the cards it holds, a link to the rest in the list.
 */
export function Board(props: { pc: ProjectContext; tasks: Task[]; counts: Map<string, number>; query: Record<string, string> }) {
  const { pc, query } = props
  const parts = new CardParts()
  const byState = new Map<string, Task[]>(pc.states.map((s) => [s.id, []]))
  for (const t of props.tasks) byState.get(t.stateId)?.push(t)
  const filters = new URLSearchParams(query).toString()
  const columns = pc.states.map((s) => {
    const cards = byState.get(s.id)!
    const count = Math.max(props.counts.get(s.id) ?? 0, cards.length)
    const more = count - cards.length
    // every card of a column has the same options: built once per column
    const safeOptions = pc.write ? stateOptionsHtml(pc.states, s.id) : undefined
    let safeCards = ''
    for (const t of cards) safeCards += boardCardHtml(t, parts, safeOptions)
    return (
      <section class={`pl-column pl-group-${s.group}`} aria-label={s.name}>
        <h2>
          <span safe>{s.name}</span>{' '}
          <small class="muted pl-count" data-count={String(count)} title={`${count} task${count === 1 ? '' : 's'}`} safe>
            {String(count)}
          </small>
          {pc.write ? (
            <a class="pl-add" href={`/planning/projects/${pc.project.key}/tasks/new?state=${encodeURIComponent(s.id)}`} aria-label={`Add task in ${s.name}`} title={`Add task in ${s.name}`}>
              +
            </a>
          ) : (
            ''
          )}
        </h2>
        <ul class="pl-cards" data-state-id={s.id}>
          {safeCards}
        </ul>
        {more > 0 ? (
          <a class="pl-more" href={`/planning/projects/${pc.project.key}?state=${encodeURIComponent(s.id)}${filters ? '&' + filters : ''}`}>
            {more} more {'&mdash;'} open in the list
          </a>
        ) : (
          ''
        )}
      </section>
    )
  })
  if (!pc.write) {
    return (
      <div id="board" class="pl-board" data-board="readonly" data-rows>
        {columns}
      </div>
    )
  }
  return (
    <form id="board" class="pl-board" data-board="movable" method="post" action={`/planning/projects/${pc.project.key}/board`} data-rows>
      <CsrfField token={pc.csrf} />
      {filters ? <input type="hidden" name="view" value={filters} /> : ''}
      {columns}
    </form>
  )
}

/** The board page: its filters (the list's, less state and sort), then the columns. */
export function BoardPage(props: { pc: ProjectContext; tasks: Task[]; counts: Map<string, number>; query: Record<string, string>; error?: string }) {
  const { pc, query } = props
  const base = `/planning/projects/${pc.project.key}`
  const active = BOARD_PANEL_KEYS.filter((k) => query[k]).length
  const filtered = Object.keys(query).length > 0
  return (
    <>
      <PageHeader title={`${pc.project.key} · ${pc.project.name}`} subtitle="Drag cards between columns, or use the state menu on each card.">
        {pc.write ? (
          <NewTaskButton project={pc.project} />
        ) : (
          ''
        )}
      </PageHeader>
      <ProjectTabs project={pc.project} current="board" manage={pc.manage} />
      <search>
        <form method="get" action={`${base}/board`} class="pl-filter-form">
          <div class="pl-search-bar">
            <label for="board-q" class="visually-hidden">
              Search tasks
            </label>
            <input id="board-q" type="search" name="q" value={query.q ?? ''} placeholder="Search the board" title="Search (press /)" data-shortcut="/" aria-keyshortcuts="/" />
            <button type="submit" class="secondary outline">
              Search
            </button>
            {filtered ? (
              <a href={`${base}/board`} class="pl-clear">
                Clear
              </a>
            ) : (
              ''
            )}
          </div>
          <details class="pl-filter-panel" open={active > 0 || undefined}>
            <FilterSummary title="Filters" active={active} />
            <div class="pl-pickers">
              <AssigneeLabelPriority pc={pc} query={query} idPrefix="board" />
            </div>
            <div class="pl-filters">
              <MilestoneCycle pc={pc} query={query} idPrefix="board" />
            </div>
            <button type="submit">Apply filters</button>
          </details>
        </form>
      </search>
      <FormError message={props.error} />
      <Board pc={pc} tasks={props.tasks} counts={props.counts} query={query} />
      <ShortcutsHelp for="board" />
      <BoardScript />
    </>
  )
}

/** The placeholder of a field that takes a task key: an example that is not the task's own key (a task cannot be its own parent or relation). */
function keyExample(projectKey: string, selfKey?: string): string {
  const example = `${projectKey}-3` === selfKey ? `${projectKey}-2` : `${projectKey}-3`
  return `Task key, e.g. ${example}`
}

/** The task form's fields in page order: the first refused one gets the focus. */
const TASK_FIELD_ORDER = ['title', 'description', 'state', 'priority', 'assigneeId', 'estimate', 'due', 'parent', 'milestoneId', 'cycleId'] as const

/** A rendered select (core's Select takes no autofocus) with the focus on it when `on`. */
const focusSelect = (html: JSX.Element, on: boolean) => (on ? String(html).replace('<select ', '<select autofocus ') : html)

/**
 * The fields of a task (new-task page and task page); after a refused save the first invalid field has
 * the focus, else the title with `focusTitle` (the new-task page: `c` lands ready to type).
 */
export function TaskFields(props: { pc: ProjectContext; values: Record<string, string>; labels: string[]; errors: FieldErrors; selfKey?: string; focusTitle?: boolean }) {
  const { pc, values: v, errors: e } = props
  const first = TASK_FIELD_ORDER.find((f) => e[f]) ?? (props.focusTitle ? 'title' : undefined)
  return (
    <>
      <Field name="title" label="Title" value={v.title} error={e.title} required maxlength={200} autofocus={first === 'title' || undefined} />
      <TextArea name="description" label="Description (Markdown)" value={v.description} error={e.description} rows={8} autofocus={first === 'description'} />
      <div class="pl-field-grid">
        {focusSelect(<Select name="state" label="State" options={stateOptions(pc.states)} value={v.state} error={e.state} />, first === 'state')}
        {focusSelect(<Select name="priority" label="Priority" options={priorityOptions()} value={v.priority || 'none'} error={e.priority} />, first === 'priority')}
        {focusSelect(<Select name="assigneeId" label="Assignee" options={peopleOptions(pc.people, 'Unassigned')} value={v.assigneeId} error={e.assigneeId} />, first === 'assigneeId')}
        <Field name="estimate" label="Estimate (points)" type="number" value={v.estimate} error={e.estimate} autofocus={first === 'estimate' || undefined} />
        <Field name="due" label="Due date" type="date" value={v.due} error={e.due} autofocus={first === 'due' || undefined} />
        <Field name="parent" label="Parent task" value={v.parent} error={e.parent} placeholder={keyExample(pc.project.key, props.selfKey)} autofocus={first === 'parent' || undefined} />
        {focusSelect(<Select name="milestoneId" label="Milestone" options={[{ value: '', label: 'None' }, ...pc.milestones.map((m) => ({ value: m.id, label: m.name }))]} value={v.milestoneId} error={e.milestoneId} />, first === 'milestoneId')}
        {focusSelect(<Select name="cycleId" label="Cycle" options={[{ value: '', label: 'None' }, ...pc.cycles.map((c) => ({ value: c.id, label: c.name }))]} value={v.cycleId} error={e.cycleId} />, first === 'cycleId')}
      </div>
      <LabelPicker labels={pc.labels} checked={props.labels} error={e.labels} />
    </>
  )
}

/** The new-task page. */
export function NewTaskPage(props: { pc: ProjectContext; values: Record<string, string>; labels: string[]; errors: FieldErrors; error?: string }) {
  const base = `/planning/projects/${props.pc.project.key}`
  return (
    <>
      <PageHeader title={`New task in ${props.pc.project.key}`} />
      <FormError message={props.error} />
      <form method="post" action={`${base}/tasks`} class="pl-task-form">
        <CsrfField token={props.pc.csrf} />
        <TaskFields {...props} focusTitle />
        <div class="pl-form-actions">
          <button type="submit">Create task</button> <a href={base}>Cancel</a>
        </div>
      </form>
      <ShortcutsHelp />
      <script src="/public/planning/board.js" defer></script>
    </>
  )
}

/** Values of the task form from a task. */
export function taskValues(t: Task, parentKey?: string): Record<string, string> {
  return {
    title: t.title,
    description: t.description,
    state: t.stateId,
    priority: t.priority,
    assigneeId: t.assigneeId ?? '',
    estimate: t.estimate == null ? '' : String(t.estimate),
    due: day(t.dueAt),
    parent: parentKey ?? '',
    milestoneId: t.milestoneId ?? '',
    cycleId: t.cycleId ?? '',
  }
}

/** How long a select that saves itself waits after its last change (board.js waits as long). */
export const SAVE_DELAY = '800ms'

/** A history row as stored. */
export interface HistoryRow {
  id: string
  actorName: string
  field: string
  fromValue: string | null
  toValue: string | null
  at: Date
}

/**
 * One property a writer changes in place: a small form posting that one field (`route`: state,
 * priority or assignee) and, with htmx, sent once the select has rested (SAVE_DELAY after its last
 * change: arrow keys browsing a closed select change it at every press, and each intermediate value
 * would be a history entry and a notification), answered with the task's summary (this block),
 * morphed in place: the focus stays, and another select changed meanwhile keeps its value and its own
 * pending save (a plain swap would put back its saved value and drop the change). Without JavaScript
 * its Save button submits it.
 */
function PropertyForm(props: { task: Task; csrf?: string; route: 'state' | 'priority' | 'assignee'; name: string; label: string; options: { value: string; label: string }[]; value: string }) {
  const action = `/planning/tasks/${props.task.key}/${props.route}`
  const id = `prop-${props.route}`
  return (
    <form method="post" action={action} class="pl-prop-form" hx-post={action} hx-trigger={`change delay:${SAVE_DELAY}`} hx-target="#task-summary" hx-swap="outerMorph">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="from" value="task" />
      <select id={id} name={props.name} aria-label={`${props.label} of ${props.task.key}`}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>
            {o.label}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" class="secondary outline" aria-label={`Save ${props.label.toLowerCase()}`}>
          Save
        </button>
      </noscript>
    </form>
  )
}

/**
 * A task's properties at a glance: state, priority and assignee (writers change each in place, readers
 * see text), estimate, due date (flagged when an open task is past it), milestone and cycle, the last
 * two linking to the list of their tasks.
 */
function TaskProperties(props: { pc: ProjectContext; task: Task }) {
  const { pc, task: t } = props
  const list = `/planning/projects/${pc.project.key}`
  const milestone = t.milestoneId ? pc.milestones.find((m) => m.id === t.milestoneId) : undefined
  const cycle = t.cycleId ? pc.cycles.find((c) => c.id === t.cycleId) : undefined
  const overdue = isOverdue(t)
  const none = <span class="muted">{'&mdash;'}</span>
  // the assignee's select lists the organization's people, and the assignee even when no longer one of them
  const people = t.assignee && !pc.people.some((p) => p.id === t.assigneeId) ? [...pc.people, t.assignee] : pc.people
  return (
    <dl class="pl-props">
      {pc.write ? (
        <>
          <div>
            <dt>
              <label for="prop-state">State</label>
            </dt>
            <dd>
              <PropertyForm task={t} csrf={pc.csrf} route="state" name="state" label="State" options={stateOptions(pc.states)} value={t.stateId} />
            </dd>
          </div>
          <div>
            <dt>
              <label for="prop-priority">Priority</label>
            </dt>
            <dd>
              <PropertyForm task={t} csrf={pc.csrf} route="priority" name="priority" label="Priority" options={priorityOptions()} value={t.priority} />
            </dd>
          </div>
          <div>
            <dt>
              <label for="prop-assignee">Assignee</label>
            </dt>
            <dd>
              <PropertyForm task={t} csrf={pc.csrf} route="assignee" name="assigneeId" label="Assignee" options={peopleOptions(people, 'Unassigned')} value={t.assigneeId ?? ''} />
            </dd>
          </div>
        </>
      ) : (
        <>
          <div>
            <dt>State</dt>
            <dd>
              <StateBadge state={t.state} />
            </dd>
          </div>
          <div>
            <dt>Priority</dt>
            {t.priority === 'none' ? <dd class="muted">No priority</dd> : <dd><PriorityBadge priority={t.priority} /></dd>}
          </div>
          <div>
            <dt>Assignee</dt>
            {t.assignee ? <dd safe>{t.assignee.name}</dd> : <dd class="muted">Unassigned</dd>}
          </div>
        </>
      )}
      <div>
        <dt>Estimate</dt>
        <dd>{t.estimate == null ? none : <>{t.estimate} pt</>}</dd>
      </div>
      <div>
        <dt>Due</dt>
        <dd>
          {t.dueAt ? <span safe>{day(t.dueAt)}</span> : none}
          {overdue ? <span class="badge badge-danger">Overdue</span> : ''}
        </dd>
      </div>
      <div>
        <dt>Milestone</dt>
        <dd>
          {milestone ? (
            <a href={`${list}?milestone=${encodeURIComponent(milestone.id)}`} safe>
              {milestone.name}
            </a>
          ) : (
            none
          )}
        </dd>
      </div>
      <div>
        <dt>Cycle</dt>
        <dd>
          {cycle ? (
            <a href={`${list}?cycle=${encodeURIComponent(cycle.id)}`} safe>
              {cycle.name}
            </a>
          ) : (
            none
          )}
        </dd>
      </div>
    </dl>
  )
}

/**
 * The top of the task page that a property change redraws (`#task-summary`): labels and parent, the
 * properties, and what the last change said (a status for screen readers, or its error).
 */
export function TaskSummary(props: { pc: ProjectContext; task: Task; parent?: Task; status?: string; error?: string }) {
  const { pc, task: t } = props
  return (
    <div id="task-summary">
      {t.labels.length || props.parent ? (
        <div class="pl-task-meta">
          <LabelChips labels={t.labels} />
          {props.parent ? (
            <span>
              Sub-task of{' '}
              <a href={`/planning/tasks/${props.parent.key}`}>
                {safeKeys(`${props.parent.key} ${props.parent.title}`)}
              </a>
            </span>
          ) : (
            ''
          )}
        </div>
      ) : (
        ''
      )}
      <TaskProperties pc={pc} task={t} />
      <FormError message={props.error} />
      {props.status ? (
        <p class="visually-hidden" role="status" safe>
          {props.status}
        </p>
      ) : (
        ''
      )}
    </div>
  )
}

/** A task's history (`#task-history`; a property change sends it again, out of band). */
export function TaskHistory(props: { history: HistoryRow[]; oob?: boolean }) {
  return (
    <section class="section" id="task-history" hx-swap-oob={props.oob ? 'true' : undefined}>
      <h2>History</h2>
      {props.history.length === 0 ? (
        <p class="muted">No changes yet.</p>
      ) : (
        <ul class="pl-history">
          {props.history.map((h) => (
            <li>
              <small class="muted">
                <LocalTime at={h.at} />
              </small> <strong safe>{h.actorName}</strong>{' '}
              <span>{safeKeys(historyText(h))}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** The edit form's originals: the values it was loaded with (see task-edit.ts). */
function EditOriginals(props: { orig: Originals }) {
  return (
    <>
      {EDIT_FIELDS.map((f) => (
        <input type="hidden" name={origName(f.name)} value={props.orig.values[f.name] ?? ''} />
      ))}
      <input type="hidden" name={origName('labels')} value={labelSet(props.orig.labels)} />
    </>
  )
}

/** The task page: every field editable, sub-tasks, relations, history and (when on) comments. */
export function TaskPage(props: {
  pc: ProjectContext
  task: Task
  parent?: Task
  subtasks: Task[]
  relations: { blocks: (Task & { relationId: string })[]; blockedBy: (Task & { relationId: string })[] }
  history: HistoryRow[]
  values: Record<string, string>
  labels: string[]
  /** The edit form's originals when it comes back refused (by default the task's values). */
  orig?: Originals
  errors: FieldErrors
  error?: string
  /** The "Add relation" form refused: what was chosen and typed, and why. */
  relation?: { kind: string; other: string; error: string }
  safeThread: string
}) {
  const { pc, task: t } = props
  const action = `/planning/tasks/${t.key}`
  const relList = (title: string, list: (Task & { relationId: string })[]) => (
    <div>
      <h3 safe>{title}</h3>
      <ul class="pl-related">
        {list.map((r) => (
          <li>
            <a href={`/planning/tasks/${r.key}`}>
              {safeKeys(`${r.key} ${r.title}`)}
            </a>{' '}
            <StateBadge state={r.state} />{' '}
            {pc.write ? (
              <form method="post" action={`${action}/relations/${r.relationId}/delete`} class="inline-form pl-rel-remove">
                <CsrfField token={pc.csrf} />
                <button type="submit" class="outline danger" aria-label={`Remove the relation with ${r.key}`}>
                  Remove
                </button>
              </form>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
    </div>
  )
  return (
    <>
      <PageHeader title={`${t.key} ${t.title}`} safeSubtitle={`In ${escapeHtml(pc.project.name)} · created ${LocalTime({ at: t.createdAt })} · updated ${LocalTime({ at: t.updatedAt })}`}>
        <a href={`/planning/projects/${pc.project.key}`} role="button" class="secondary outline">
          Back to list
        </a>
        {pc.write ? (
          <NewTaskButton project={pc.project} class="secondary outline" />
        ) : (
          ''
        )}
      </PageHeader>
      <TaskSummary pc={pc} task={t} parent={props.parent} />
      {t.description ? <div class="pl-description">{renderMarkdown(t.description) as 'safe'}</div> : ''}
      <FormError message={props.error} />
      {pc.write ? (
        <details class="pl-edit" open={Object.keys(props.errors).length > 0 || undefined}>
          <summary>Edit task</summary>
          <form method="post" action={action} class="pl-task-form">
            <CsrfField token={pc.csrf} />
            <EditOriginals orig={props.orig ?? originals(taskValues(t, props.parent?.key), t.labels.map((l) => l.id))} />
            {/* a former member still assigned stays a choice (else the select would show Unassigned, and a save unassign them) */}
            <TaskFields pc={t.assignee && !pc.people.some((p) => p.id === t.assigneeId) ? { ...pc, people: [...pc.people, t.assignee] } : pc} values={props.values} labels={props.labels} errors={props.errors} selfKey={t.key} />
            <button type="submit">Save</button>
          </form>
        </details>
      ) : (
        ''
      )}
      <section class="section">
        <h2>Sub-tasks</h2>
        {props.subtasks.length === 0 ? (
          <p class="muted">No sub-tasks.</p>
        ) : (
          <RelatedTasks tasks={props.subtasks} />
        )}
        {pc.write ? (
          <form method="post" action={`/planning/projects/${pc.project.key}/tasks`} class="row-form">
            <CsrfField token={pc.csrf} />
            <input type="hidden" name="parent" value={t.key} />
            <input type="hidden" name="back" value={action} />
            <input type="text" name="title" placeholder="New sub-task title" aria-label="Sub-task title" required maxlength={200} />
            <button type="submit" class="secondary outline">
              Add sub-task
            </button>
          </form>
        ) : (
          ''
        )}
      </section>
      <section class="section pl-relations">
        <h2>Relations</h2>
        {props.relations.blocks.length + props.relations.blockedBy.length === 0 ? <p class="muted">No relations yet.</p> : ''}
        {props.relations.blocks.length ? relList('Blocks', props.relations.blocks) : ''}
        {props.relations.blockedBy.length ? relList('Blocked by', props.relations.blockedBy) : ''}
        {pc.write ? (
          <form method="post" action={`${action}/relations`} class="row-form">
            <CsrfField token={pc.csrf} />
            <select name="kind" aria-label="Relation">
              <option value="blocks">Blocks</option>
              <option value="blocked_by" selected={props.relation?.kind === 'blocked_by'}>
                Blocked by
              </option>
            </select>
            <input
              type="text"
              name="other"
              value={props.relation?.other}
              placeholder={keyExample(pc.project.key, t.key)}
              aria-label="Other task key"
              required
              aria-invalid={props.relation ? 'true' : undefined}
              aria-describedby={props.relation ? 'relation-other-error' : undefined}
            />
            <button type="submit" class="secondary outline">
              Add relation
            </button>
            {props.relation ? (
              <small id="relation-other-error" class="field-error" role="alert" safe>
                {props.relation.error}
              </small>
            ) : (
              ''
            )}
          </form>
        ) : (
          ''
        )}
      </section>
      {props.safeThread ? <section class="section pl-comments">{props.safeThread as 'safe'}</section> : ''}
      <TaskHistory history={props.history} />
      {pc.write ? (
        // away from New task and Edit, as on the project's settings page
        <section class="section pl-danger-zone">
          <h2>Danger zone</h2>
          <p class="muted">Deleting the task deletes its history and relations; its sub-tasks stay, without a parent.</p>
          <ActionButton action={`${action}/delete`} csrf={pc.csrf} label={`Delete ${t.key}`} class="outline danger" confirm={`Delete ${t.key}? Its history goes too.`} />
        </section>
      ) : (
        ''
      )}
      <ShortcutsHelp />
      <BoardScript />
    </>
  )
}

function historyText(h: HistoryRow): string {
  if (h.field === 'created') return `created ${h.toValue ?? 'the task'}`
  // (rows written before relations named the other task on removal)
  if (h.field === 'relation') return 'removed a relation'
  // a relation names the other task: as the new value when added, as the old one when removed
  if (h.field === 'blocks' || h.field === 'blocked by') {
    const what = h.field === 'blocks' ? 'blocking' : 'blocked by'
    return h.toValue ? `marked as ${what} ${h.toValue}` : `marked as no longer ${what} ${h.fromValue ?? ''}`
  }
  if (h.field === 'description') return 'edited the description'
  return `changed ${h.field} from ${historyValue(h.field, h.fromValue)} to ${historyValue(h.field, h.toValue)}`
}

/** What an empty value of a field reads as in its history: the words the task page and its selects use. */
const HISTORY_EMPTY: Record<string, string> = { assignee: 'Unassigned', milestone: 'No milestone', cycle: 'No cycle', due: 'No due date', estimate: 'No estimate', parent: 'No parent', labels: 'No labels' }

/** A value in a history line as the UI names it: a priority's label ("No priority", "Urgent"), an estimate in points, an empty value in words. */
function historyValue(field: string, value: string | null): string {
  if (value == null || value === '') return HISTORY_EMPTY[field] ?? 'none'
  if (field === 'priority') return priorityLabel(value)
  if (field === 'estimate') return `${value} pt`
  return value
}
