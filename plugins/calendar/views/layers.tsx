/** @module The calendars and layers shown in the grids: the checkboxes, saved per user. */
import { CsrfField } from '../../../views/components.tsx'

/** A toggle in the layer list. */
export interface Layer {
  key: string
  label: string
  color: string
  shown: boolean
  kind: 'calendar' | 'source'
}

/** Checkboxes for calendars and layers; saved per user. */
export function LayerForm(props: { layers: Layer[]; csrf: string | undefined; back: string }) {
  const cals = props.layers.filter((l) => l.kind === 'calendar')
  const sources = props.layers.filter((l) => l.kind === 'source')
  const group = (title: string, list: Layer[]) =>
    list.length ? (
      <fieldset>
        <legend safe>{title}</legend>
        {list.map((l) => (
          <label class="cal-layer">
            <input type="checkbox" name="shown" value={l.key} checked={l.shown} />
            <span class="cal-swatch" data-color={l.color} aria-hidden="true"></span>
            <span safe>{l.label}</span>
          </label>
        ))}
      </fieldset>
    ) : (
      ''
    )
  const shown = props.layers.filter((l) => l.shown).length
  // Folded on phones (the checkboxes pushed the grid ~700 px down), summary first so the tab order
  // is the visual order; on wide screens app.css shows the content and hides the summary.
  return (
    <details class="cal-layer-panel">
      <summary>
        Calendars and layers{' '}
        <span class="muted" safe>
          {`(${shown} of ${props.layers.length} shown)`}
        </span>
      </summary>
      <form method="post" action="/calendar/layers" class="cal-layers">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="back" value={props.back} />
        {props.layers.map((l) => (
          <input type="hidden" name="all" value={l.key} />
        ))}
        {group('My calendars', cals)}
        {group('Other layers', sources)}
        {props.layers.length ? <button type="submit" class="secondary outline">Show selected</button> : <p class="muted">No calendars yet.</p>}
      </form>
    </details>
  )
}
