/** @module Renaming and recoloring a calendar, and the color choices. */
import { CsrfField, Field, FormError, PageHeader, Select, type FieldErrors } from '../../../views/components.tsx'
import type { CalendarView } from '../service.ts'
import { COLORS } from '../service.ts'

const COLOR_NAMES: Record<string, string> = {
  '#2563eb': 'Blue',
  '#16a34a': 'Green',
  '#dc2626': 'Red',
  '#9333ea': 'Purple',
  '#ea580c': 'Orange',
  '#0891b2': 'Teal',
  '#ca8a04': 'Amber',
  '#db2777': 'Pink',
}

/** The color choices, with `current` kept when it is not one of them (set through the API, or typed). */
export function colorOptions(current?: string): { value: string; label: string }[] {
  const list = COLORS.map((c) => ({ value: c, label: COLOR_NAMES[c] ?? c }))
  if (current && !COLORS.includes(current)) list.push({ value: current, label: current })
  return list
}

/** Renaming and recoloring a calendar. */
export function CalendarEditPage(props: { calendar: CalendarView; values: { name: string; color: string }; errors: FieldErrors; error?: string; csrf: string | undefined }) {
  const c = props.calendar
  return (
    <>
      <PageHeader title="Edit calendar" subtitle={`${c.name} · ${c.ownerLabel}`}>
        <a href="/calendar/calendars" role="button" class="secondary outline">
          Back to calendars
        </a>
      </PageHeader>
      <FormError message={props.error} />
      <form method="post" action={`/calendar/calendars/${c.id}`} class="narrow-form">
        <CsrfField token={props.csrf} />
        <Field name="name" label="Name" value={props.values.name} error={props.errors.name} required maxlength={80} autofocus />
        <Select name="color" label="Color" value={props.values.color} options={colorOptions(props.values.color)} error={props.errors.color} />
        <div class="cal-form-actions">
          <button type="submit">Save</button>
          <a href="/calendar/calendars" class="secondary">
            Cancel
          </a>
        </div>
      </form>
    </>
  )
}
