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
  // The month grid is one tab stop (roving tabindex): the day numbers take turns holding it, the
  // "+" links leave the tab order (the mouse and `c` on a day still reach them). Without this script
  // every day keeps its two links in the tab order.
  const HINT = ' (arrow keys move between days, Home and End to the start and end of the week, Enter opens the day, c makes an event on it)'
  const roving = (root) => {
    for (const grid of root.querySelectorAll('table.cal-month')) {
      if (grid.dataset.roving) continue
      grid.dataset.roving = '1'
      const days = grid.querySelectorAll('.cal-daynum')
      for (const a of grid.querySelectorAll('.cal-daynum, .cal-add')) a.tabIndex = -1
      const start = grid.querySelector('.cal-today .cal-daynum') ?? grid.querySelector('td:not(.cal-other) .cal-daynum') ?? days[0]
      if (start) start.tabIndex = 0
      const caption = grid.querySelector('caption')
      if (caption) caption.append(HINT)
    }
  }
  const focusDay = (grid, to) => {
    for (const a of grid.querySelectorAll('.cal-daynum[tabindex="0"]')) a.tabIndex = -1
    to.tabIndex = 0
    to.focus()
  }
  // Capture phase: before the page's own arrow keys (previous / next month) and the `c` shortcut.
  document.addEventListener(
    'keydown',
    (event) => {
      const day = event.target instanceof Element ? event.target.closest('table.cal-month .cal-daynum') : null
      if (!day || event.ctrlKey || event.metaKey || event.altKey) return
      const grid = day.closest('table.cal-month')
      const days = [...grid.querySelectorAll('.cal-daynum')]
      const i = days.indexOf(day)
      let to = -1
      if (event.key === 'ArrowLeft') to = i - 1
      else if (event.key === 'ArrowRight') to = i + 1
      else if (event.key === 'ArrowUp') to = i - 7
      else if (event.key === 'ArrowDown') to = i + 7
      else if (event.key === 'Home') to = i - (i % 7)
      else if (event.key === 'End') to = i - (i % 7) + 6
      else if (event.key === 'c' && !event.shiftKey && document.querySelector('[data-shortcut="c"]')) {
        const add = day.closest('td')?.querySelector('.cal-add')
        if (!add) return
        event.preventDefault()
        event.stopPropagation()
        add.click()
        return
      } else return
      event.preventDefault()
      event.stopPropagation()
      if (event.shiftKey || to < 0 || to >= days.length) return // the grid's edge: stay
      focusDay(grid, days[to])
    },
    true,
  )
  // A day focused another way (clicked, Shift+Tab) holds the tab stop from then on.
  document.addEventListener('focusin', (event) => {
    const day = event.target instanceof Element ? event.target.closest('table.cal-month[data-roving] .cal-daynum') : null
    if (day && day.tabIndex !== 0) focusDay(day.closest('table.cal-month'), day)
  })

  paint(document)
  roving(document)
  document.addEventListener('htmx:after:swap', (e) => {
    const root = e.target instanceof Element ? e.target : document
    paint(root)
    roving(root)
  })

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
