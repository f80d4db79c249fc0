// calendar/calendar.js: client behaviour for the calendar plugin. Everything works without it.
(() => {
  // Remember the browser's time zone so the server can show times in it (when no ?tz= is given).
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
    if (tz && !document.cookie.split('; ').some((c) => c === 'cal_tz=' + encodeURIComponent(tz))) {
      document.cookie = 'cal_tz=' + encodeURIComponent(tz) + '; path=/; max-age=31536000; samesite=lax'
    }
  } catch {
    // no Intl time zone: the server falls back to UTC
  }

  // Colors come as data-color (inline styles are blocked by the CSP); set them as a CSS variable.
  const paint = (root) => {
    for (const el of root.querySelectorAll('[data-color]')) {
      const c = el.dataset.color
      if (c && CSS.supports('color', c)) el.style.setProperty('--cal-color', c)
    }
  }
  paint(document)
  document.addEventListener('htmx:after:swap', (e) => paint(e.target instanceof Element ? e.target : document))

  // Keyboard: ← / → for previous / next, t for today (not while typing).
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return
    const t = event.target
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return
    const link = document.querySelector(`[data-cal-key="${CSS.escape(event.key)}"]`)
    if (!link) return
    event.preventDefault()
    link.click()
  })

  // The event form: time fields are not needed for all-day events.
  const form = document.querySelector('form.cal-form')
  if (form) {
    const allDay = form.querySelector('input[name="allDay"]')
    const times = form.querySelectorAll('input[name="startTime"], input[name="endTime"]')
    const sync = () => {
      for (const input of times) input.disabled = !!allDay?.checked
    }
    allDay?.addEventListener('change', sync)
    sync()
    const repeat = form.querySelector('select[name="repeat"]')
    const rule = form.querySelector('input[name="rrule"]')
    const syncRule = () => {
      if (rule) rule.closest('label').hidden = repeat?.value !== 'custom'
    }
    repeat?.addEventListener('change', syncRule)
    syncRule()
  }
})()
