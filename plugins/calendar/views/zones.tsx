/** @module The time zone input and its datalist of IANA zones. */

/** The time zone input with suggestions. */
export function ZoneInput(props: { name: string; value: string; error?: string; label?: string; id?: string }) {
  const id = props.id ?? `f-${props.name}`
  return (
    <label for={id}>
      <span safe>{props.label ?? 'Time zone'}</span>
      <input id={id} name={props.name} value={props.value} list="cal-zones" autocomplete="off" aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-error` : undefined} />
      {props.error ? (
        <small id={`${id}-error`} class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </label>
  )
}

let zoneList: string | undefined
/** A datalist of IANA zones (built once). */
export function ZoneList() {
  if (!zoneList) {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York']
    zoneList = (
      <datalist id="cal-zones">
        {['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => (
          <option value={z} />
        ))}
      </datalist>
    ) as string
  }
  return zoneList
}
