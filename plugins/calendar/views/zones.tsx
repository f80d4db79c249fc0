/** @module The time zone input and its datalist of IANA zones. */
import { Field } from '../../../views/components.tsx'

/** The time zone input with suggestions (any IANA name is accepted; the service checks it). */
export function ZoneInput(props: { name: string; value: string; error?: string; label?: string; id?: string; hint?: string }) {
  return Field({ ...props, label: props.label ?? 'Time zone', list: 'cal-zones', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false' })
}

let zoneOptions: Map<string, string> | undefined

/** Every IANA zone the runtime knows (Intl.supportedValuesOf), UTC first, each as its <option>. */
function options(): Map<string, string> {
  if (!zoneOptions) {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['Europe/Berlin', 'Europe/London', 'America/New_York']
    zoneOptions = new Map(['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => [z, (<option value={z} />) as string]))
  }
  return zoneOptions
}

/** A datalist of IANA zones: `first` (the viewer's zone, when it is one) at the top, then UTC and the rest. */
export function ZoneList(first?: string) {
  const all = options()
  const top = first && all.has(first) ? first : 'UTC'
  let html = '<datalist id="cal-zones">' + all.get(top)!
  for (const [zone, option] of all) if (zone !== top) html += option
  return html + '</datalist>'
}
