/**
 * @module A plugin's settings form, generated from its typebox settings schema (a TObject): each
 * property becomes a text, password, number, checkbox or select field. Form strings are converted
 * to the schema's types, then validated with Value.Errors so each error lands beside its field.
 */
import type { TObject, TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { CsrfField, FormError, type FieldErrors } from '../../views/components.tsx'
import { sentence } from './sentence.ts'

/** How a settings property is edited. */
export type SettingKind = 'text' | 'secret' | 'number' | 'integer' | 'checkbox' | 'select' | 'unsupported'

/** One field of the generated form. */
export interface SettingField {
  key: string
  label: string
  description?: string
  kind: SettingKind
  required: boolean
  schema: TSchema
  /** For selects: the choices, as form strings and as the values to store. */
  options?: { value: string; label: string; raw: unknown }[]
}

/** What the form shows in its fields: strings as typed (checkboxes: 'on' or ''). */
export type FormValues = Record<string, string>

type Loose = TSchema & Record<string, unknown>

/** The fields of a settings schema, in declaration order. */
export function settingFields(schema: TObject): SettingField[] {
  const required = new Set<string>((schema.required as string[] | undefined) ?? [])
  return Object.entries(schema.properties ?? {}).map(([key, prop]) => {
    const s = prop as Loose
    const field: SettingField = {
      key,
      label: typeof s.title === 'string' && s.title ? s.title : key,
      description: typeof s.description === 'string' ? s.description : undefined,
      kind: 'unsupported',
      required: required.has(key),
      schema: prop,
    }
    const choices = literalChoices(s)
    const numeric = numericOf(s)
    if (numeric) {
      field.kind = numeric.type === 'integer' ? 'integer' : 'number'
      field.schema = numeric
    } else if (choices) {
      field.kind = 'select'
      field.options = choices.map((raw) => ({ value: String(raw), label: optionLabel(raw), raw }))
    } else if (s.type === 'boolean') field.kind = 'checkbox'
    else if (s.type === 'string') field.kind = s.writeOnly === true || s.format === 'password' ? 'secret' : 'text'
    return field
  })
}

/**
 * The number schema of a number or integer property; Elysia's `t.Integer`/`t.Numeric` are a union of
 * a numeric string and the number, whose number branch (with the outer constraints) is returned.
 */
function numericOf(s: Loose): Loose | undefined {
  if (s.type === 'integer' || s.type === 'number') return s
  if (!Array.isArray(s.anyOf)) return undefined
  const members = s.anyOf as Loose[]
  const num = members.find((m) => m.type === 'integer' || m.type === 'number')
  const rest = members.filter((m) => m !== num)
  if (!num || !rest.every((m) => m.type === 'string' && (m.format === 'integer' || m.format === 'numeric'))) return undefined
  const { anyOf: _anyOf, ...outer } = s
  return { ...outer, ...num } as Loose
}

/**
 * How a literal value reads in a select: words of a string split at "_", "-" and camelCase humps,
 * the first capitalized ("monday" -> "Monday", "week_start" -> "Week start"), a short single word in
 * capitals ("pdf" -> "PDF"); other values as written.
 * The submitted value stays the literal.
 */
export function optionLabel(raw: unknown): string {
  if (typeof raw === 'boolean') return raw ? 'Yes' : 'No'
  if (typeof raw !== 'string' || !/^[a-z][a-zA-Z0-9_-]*$/.test(raw)) return String(raw)
  // a short single word is a code or a format ("pdf", "csv", "utc"): in capitals
  if (/^[a-z]{2,3}$/.test(raw)) return raw.toUpperCase()
  const words = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** The literal values of a union of literals, a `const`, or an `enum`; undefined for anything else. */
function literalChoices(s: Loose): unknown[] | undefined {
  if (Array.isArray(s.enum) && s.enum.every(isScalar)) return s.enum
  if ('const' in s && isScalar(s.const)) return [s.const]
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0 && (s.anyOf as Loose[]).every((o) => 'const' in o && isScalar(o.const))) {
    return (s.anyOf as Loose[]).map((o) => o.const)
  }
  return undefined
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

/** The form's initial strings from the current settings (secrets are never shown). */
export function formValuesOf(fields: SettingField[], current: Record<string, unknown>): FormValues {
  const out: FormValues = {}
  for (const f of fields) {
    const v = current[f.key]
    if (f.kind === 'secret') out[f.key] = ''
    else if (f.kind === 'checkbox') out[f.key] = v === true ? 'on' : ''
    else if (v === undefined || v === null) out[f.key] = ''
    else out[f.key] = typeof v === 'object' ? JSON.stringify(v) : String(v)
  }
  return out
}

/**
 * Converts the posted strings to the schema's types and validates them against `schema` (defaults
 * filled in). Returns the values to store, what the form should show again, and the errors by field
 * (`''` holds errors no field owns).
 */
export function settingsFromForm(
  schema: TObject,
  form: Record<string, string>,
  current: Record<string, unknown>,
): { values: Record<string, unknown>; shown: FormValues; errors: FieldErrors } {
  const fields = settingFields(schema)
  const values: Record<string, unknown> = {}
  const shown: FormValues = {}
  const errors: FieldErrors = {}
  for (const f of fields) {
    const raw = form[f.key]
    switch (f.kind) {
      case 'checkbox':
        // An unchecked box is simply absent from the form.
        values[f.key] = raw !== undefined && raw !== ''
        shown[f.key] = values[f.key] ? 'on' : ''
        break
      case 'secret':
        shown[f.key] = ''
        if (raw) values[f.key] = raw
        else if (current[f.key] !== undefined) values[f.key] = current[f.key] // empty keeps the stored secret
        else if (f.required) values[f.key] = ''
        break
      case 'number':
      case 'integer': {
        const text = (raw ?? '').trim()
        shown[f.key] = raw ?? ''
        if (text === '') {
          if (f.required) errors[f.key] = 'enter a number'
          break
        }
        const n = Number(text)
        if (!Number.isFinite(n)) errors[f.key] = 'enter a number'
        else if (f.kind === 'integer' && !Number.isInteger(n)) errors[f.key] = 'enter a whole number'
        else {
          values[f.key] = n
          const first = Value.Errors(f.schema, n).First()
          if (first) errors[f.key] = friendly(first)
        }
        break
      }
      case 'select': {
        shown[f.key] = raw ?? ''
        const option = f.options!.find((o) => o.value === raw)
        if (option) values[f.key] = option.raw
        else if (raw || f.required) errors[f.key] = 'choose one of the options'
        break
      }
      case 'text':
        shown[f.key] = raw ?? ''
        if (raw !== undefined && (raw !== '' || f.required)) values[f.key] = raw
        else if (raw === undefined && current[f.key] !== undefined) values[f.key] = current[f.key]
        break
      default:
        // Not editable here (arrays, objects): keep what is stored.
        shown[f.key] = ''
        if (current[f.key] !== undefined) values[f.key] = current[f.key]
    }
  }
  const merged = { ...(Value.Default(schema, {}) as Record<string, unknown>), ...values }
  for (const e of Value.Errors(schema, merged)) {
    const key = e.path.split('/')[1] ?? ''
    const owner = fields.some((f) => f.key === key) ? key : ''
    if (!errors[owner]) errors[owner] = owner ? friendly(e) : `${e.path || '(settings)'}: ${e.message}`
  }
  // shown as sentences, as every form's errors
  for (const [key, message] of Object.entries(errors)) if (message) errors[key] = sentence(message)
  return { values, shown, errors }
}

/** What to type for the string formats settings schemas use. */
const FORMAT_HINTS: Record<string, string> = {
  email: 'enter an email address, like name@example.com',
  uri: 'enter a full address, like https://example.com/path',
  url: 'enter a full address, like https://example.com/path',
  hostname: 'enter a host name, like mail.example.com',
  ipv4: 'enter an IPv4 address, like 192.0.2.10',
  ipv6: 'enter an IPv6 address, like 2001:db8::10',
  date: 'enter a date, like 2026-01-31',
  'date-time': 'enter a date and time, like 2026-01-31T09:30:00Z',
  time: 'enter a time, like 09:30:00',
  uuid: 'enter a UUID, like 0192f0e4-7c1a-7c3e-9d4f-3b2a1c0d9e8f',
}

/** A message a person can act on, for the common constraints; typebox's own otherwise. */
function friendly(e: ValueError): string {
  const s = e.schema as Loose
  switch (e.type) {
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? 'enter a value' : `enter at least ${String(s.minLength)} characters`
    case ValueErrorType.StringMaxLength:
      return `enter at most ${String(s.maxLength)} characters`
    case ValueErrorType.StringPattern:
      return `enter text that matches the pattern ${String(s.pattern)}`
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `enter ${String(s.minimum)} or more`
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `enter ${String(s.maximum)} or less`
    case ValueErrorType.StringFormat:
      return FORMAT_HINTS[String(s.format)] ?? `enter a valid ${String(s.format)}`
    default:
      return e.message
  }
}

/** A short description of a field's constraints, for its hint. */
function constraintHint(f: SettingField): string | undefined {
  const s = f.schema as Loose
  const parts: string[] = []
  if (f.kind === 'text' || f.kind === 'secret') {
    const min = typeof s.minLength === 'number' ? s.minLength : undefined
    const max = typeof s.maxLength === 'number' ? s.maxLength : undefined
    if (min !== undefined && max !== undefined) parts.push(`${min} to ${max} characters.`)
    else if (min !== undefined) parts.push(`At least ${min} character${min === 1 ? '' : 's'}.`)
    else if (max !== undefined) parts.push(`At most ${max} characters.`)
    if (typeof s.pattern === 'string') parts.push(`Pattern: ${s.pattern}`)
    if (f.kind === 'secret') parts.push('Leave empty to keep the current value.')
  }
  if (f.kind === 'number' || f.kind === 'integer') {
    if (typeof s.minimum === 'number' && typeof s.maximum === 'number') parts.push(`From ${s.minimum} to ${s.maximum}.`)
    else if (typeof s.minimum === 'number') parts.push(`${s.minimum} or more.`)
    else if (typeof s.maximum === 'number') parts.push(`${s.maximum} or less.`)
    if (f.kind === 'integer') parts.push('A whole number.')
  }
  if (f.kind === 'unsupported') parts.push('This setting cannot be edited here; use the admin API.')
  return parts.length ? parts.join(' ') : undefined
}

/** One generated field with its label, hint and error. */
function SettingInput(props: { field: SettingField; value: string; error?: string }) {
  const f = props.field
  const s = f.schema as Loose
  const id = `f-${f.key}`
  const hint = [f.description, constraintHint(f)].filter(Boolean).join(' ')
  const describedBy = props.error ? `${id}-error` : hint ? `${id}-hint` : undefined
  const note = props.error ? (
    <small id={`${id}-error`} class="field-error" safe>
      {props.error}
    </small>
  ) : hint ? (
    <small id={`${id}-hint`} safe>
      {hint}
    </small>
  ) : (
    ''
  )
  const invalid = props.error ? 'true' : undefined
  if (f.kind === 'checkbox') {
    return (
      <fieldset>
        <label for={id}>
          <input id={id} name={f.key} type="checkbox" role="switch" value="on" checked={props.value === 'on'} aria-invalid={invalid} aria-describedby={describedBy} />
          <span safe>{f.label}</span>
        </label>
        {note}
      </fieldset>
    )
  }
  if (f.kind === 'select') {
    return (
      <label for={id}>
        <span safe>{f.label}</span>
        <select id={id} name={f.key} required={f.required} aria-invalid={invalid} aria-describedby={describedBy}>
          {f.required ? '' : <option value="">—</option>}
          {f.options!.map((o) => (
            <option value={o.value} selected={o.value === props.value} safe>
              {o.label}
            </option>
          ))}
        </select>
        {note}
      </label>
    )
  }
  const numeric = f.kind === 'number' || f.kind === 'integer'
  return (
    <label for={id}>
      <span safe>{f.label}</span>
      <input
        id={id}
        name={f.key}
        type={numeric ? 'number' : f.kind === 'secret' ? 'password' : 'text'}
        value={f.kind === 'secret' ? undefined : props.value}
        required={f.required && f.kind !== 'secret' && f.kind !== 'unsupported' ? true : undefined}
        disabled={f.kind === 'unsupported'}
        minlength={f.kind === 'text' && typeof s.minLength === 'number' ? s.minLength : undefined}
        maxlength={f.kind === 'text' && typeof s.maxLength === 'number' ? s.maxLength : undefined}
        pattern={f.kind === 'text' && typeof s.pattern === 'string' ? s.pattern : undefined}
        min={numeric && typeof s.minimum === 'number' ? s.minimum : undefined}
        max={numeric && typeof s.maximum === 'number' ? s.maximum : undefined}
        step={numeric ? (f.kind === 'integer' ? '1' : 'any') : undefined}
        autocomplete={f.kind === 'secret' ? 'new-password' : 'off'}
        aria-invalid={invalid}
        aria-describedby={describedBy}
      />
      {note}
    </label>
  )
}

/** The whole settings form. */
export function SettingsForm(props: { action: string; csrf: string | undefined; schema: TObject; values: FormValues; errors: FieldErrors }) {
  const fields = settingFields(props.schema)
  return (
    <form method="post" action={props.action} class="medium-form">
      <CsrfField token={props.csrf} />
      <FormError message={props.errors[''] ? `Not saved. ${props.errors['']}` : Object.values(props.errors).some(Boolean) ? 'Not saved: fix the fields marked below.' : undefined} />
      {fields.map((f) => (
        <SettingInput field={f} value={props.values[f.key] ?? ''} error={props.errors[f.key]} />
      ))}
      <button type="submit">Save settings</button>
    </form>
  )
}
