/** @module Shared UI pieces: form fields with errors, buttons, flash, empty states, CSRF field. */
import { escapeHtml, type Children } from '@kitajs/html'
import { childrenHtml } from './layout.tsx'

/** Field errors by form field name. */
export type FieldErrors = Record<string, string | undefined>

/** The hidden CSRF field every form carries (a string template: it is in nearly every form). */
export function CsrfField(props: { token: string | undefined }): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(props.token ?? '')}"/>`
}

/** A labelled input with its error beside it (aria-invalid + aria-describedby). */
export function Field(props: {
  name: string
  label: string
  type?: string
  value?: string
  error?: string
  hint?: string
  required?: boolean
  autocomplete?: string
  autofocus?: boolean
  minlength?: number
  maxlength?: number
  inputmode?: string
  placeholder?: string
  /** Defaults to `f-<name>`. */
  id?: string
  /** The id of a `<datalist>` of suggestions. */
  list?: string
  autocapitalize?: string
  spellcheck?: 'true' | 'false'
}) {
  const id = props.id ?? `f-${props.name}`
  const describedBy = props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined
  return (
    <label for={id}>
      <span safe>{props.label}</span>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        autofocus={props.autofocus}
        minlength={props.minlength}
        maxlength={props.maxlength}
        inputmode={props.inputmode}
        placeholder={props.placeholder}
        list={props.list}
        autocapitalize={props.autocapitalize}
        spellcheck={props.spellcheck}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {props.error ? (
        <small id={`${id}-error`} class="field-error" safe>
          {props.error}
        </small>
      ) : props.hint ? (
        <small id={`${id}-hint`} safe>
          {props.hint}
        </small>
      ) : (
        ''
      )}
    </label>
  )
}

/** A select with options; `value` marks the selected one. */
export function Select(props: { name: string; label: string; options: { value: string; label: string }[]; value?: string; error?: string; id?: string }) {
  const id = props.id ?? `f-${props.name}`
  return (
    <label for={id}>
      <span safe>{props.label}</span>
      <select id={id} name={props.name} aria-invalid={props.error ? 'true' : undefined}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>
            {o.label}
          </option>
        ))}
      </select>
      {props.error ? (
        <small class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </label>
  )
}

/** A form-level error summary. */
export function FormError(props: { message?: string }) {
  if (!props.message) return ''
  return (
    <p class="form-error" role="alert" safe>
      {props.message}
    </p>
  )
}

/** A message at the top of a page. */
export function Flash(props: { kind: 'ok' | 'error'; text: string }) {
  return (
    <p class={`flash flash-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'} safe>
      {props.text}
    </p>
  )
}

/** What a list shows when it has nothing yet, and what to do about it. */
export function EmptyState(props: { title: string; children?: Children }) {
  return (
    <div class="empty-state">
      <p class="empty-title" safe>
        {props.title}
      </p>
      {props.children ?? ''}
    </div>
  )
}

/**
 * A page heading with optional actions on the right. A string template (it heads nearly every
 * page): the title and subtitle are escaped; `safeSubtitle` (a subtitle with a `LocalTime` in it, say)
 * and the actions are already-safe HTML, user text in them escaped by the caller.
 */
export function PageHeader(props: { title: string; subtitle?: string; safeSubtitle?: string; children?: Children }): string {
  const inner = props.safeSubtitle ?? (props.subtitle ? escapeHtml(props.subtitle) : '')
  const subtitle = inner ? `<p class="muted">${inner}</p>` : ''
  const actions = props.children ? `<div class="page-actions">${childrenHtml(props.children)}</div>` : ''
  return `<div class="page-header"><div><h1>${escapeHtml(props.title)}</h1>${subtitle}</div>${actions}</div>`
}

/** A small POST form with one button (sign out, revoke, delete...). */
export function ActionButton(props: { action: string; csrf: string | undefined; label: string; class?: string; confirm?: string; fields?: Record<string, string> }) {
  return (
    <form method="post" action={props.action} class="inline-form">
      <CsrfField token={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={props.class ?? 'secondary outline'} data-confirm={props.confirm} safe>
        {props.label}
      </button>
    </form>
  )
}

/**
 * Formats a date for tables: "2026-11-03 14:00 UTC". The shell's script (public/app.js) rewrites
 * this exact form to the viewer's local time where it stands in a `<time datetime>`, as its text or
 * its title (render it with `LocalTime`), so keep the shape (minutes, a space, "UTC") when changing it.
 * The same text anywhere else (plain-text emails, user content) stays as it is.
 */
export function formatDate(d: Date | null | undefined): string {
  if (!d) return '—'
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

/** `formatDate` in a `<time datetime>`, which the shell's script shows in the viewer's zone; "—" without a date. */
export function LocalTime(props: { at: Date | null | undefined }): string {
  return props.at ? `<time datetime="${props.at.toISOString()}">${formatDate(props.at)}</time>` : '—'
}
