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

  // The week, 3-day and day grids are one tab stop too: the hour slots (and each day's all-day "+",
  // above its 00:00) take turns holding it, starting with the one the server marked tabindex="0"
  // (09:00 of today, else of the first day). Event chips stay in the tab order. Without this script
  // every slot is a tab stop as before.
  const SLOTS = '.cal-allday-add, .cal-slot-link'
  const SLOT_HINT = 'Time slots: arrow keys move by an hour or a day, Home and End to 00:00 and 23:00, Enter makes an event there.'
  const rovingSlots = (root) => {
    for (const grid of root.querySelectorAll('table.cal-timegrid')) {
      if (grid.dataset.roving) continue
      grid.dataset.roving = '1'
      const slots = grid.querySelectorAll(SLOTS)
      const start = grid.querySelector('.cal-slot-link[tabindex="0"]') ?? grid.querySelector('.cal-slot-link') ?? slots[0]
      for (const a of slots) a.tabIndex = a === start ? 0 : -1
      if (start && !grid.caption) {
        const caption = grid.createCaption()
        caption.className = 'visually-hidden'
        caption.textContent = SLOT_HINT
      }
    }
  }
  /** A day's slots top to bottom: its all-day "+", then its hours. */
  const dayColumn = (grid, date) => [...grid.querySelectorAll(SLOTS)].filter((a) => a.dataset.date === date)
  const focusSlot = (grid, to) => {
    for (const a of grid.querySelectorAll(`:is(${SLOTS})[tabindex="0"]`)) a.tabIndex = -1
    to.tabIndex = 0
    to.focus({ preventScroll: true })
    to.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  }
  const slotTarget = (grid, slot, key) => {
    const column = dayColumn(grid, slot.dataset.date)
    const i = column.indexOf(slot)
    const hours = column.filter((a) => a.classList.contains('cal-slot-link'))
    if (key === 'ArrowUp') return column[i - 1]
    if (key === 'ArrowDown') return column[i + 1]
    if (key === 'Home') return hours[0]
    if (key === 'End') return hours[hours.length - 1]
    // Left / Right: the same hour (or the all-day row) of the day before or after
    const dates = [...new Set([...grid.querySelectorAll(SLOTS)].map((a) => a.dataset.date))]
    const date = dates[dates.indexOf(slot.dataset.date) + (key === 'ArrowLeft' ? -1 : 1)]
    return date ? dayColumn(grid, date)[i] : undefined
  }
  // Capture phase, as for the month: before the page's arrow keys (previous / next).
  document.addEventListener(
    'keydown',
    (event) => {
      const slot = event.target instanceof Element ? event.target.closest(`table.cal-timegrid[data-roving] :is(${SLOTS})`) : null
      if (!slot || event.ctrlKey || event.metaKey || event.altKey) return
      if (!['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return
      event.preventDefault()
      event.stopPropagation()
      const grid = slot.closest('table.cal-timegrid')
      const to = event.shiftKey ? undefined : slotTarget(grid, slot, event.key)
      if (to) focusSlot(grid, to) // else the grid's edge: stay
    },
    true,
  )
  // A slot focused another way (clicked) holds the tab stop from then on.
  document.addEventListener('focusin', (event) => {
    const slot = event.target instanceof Element ? event.target.closest(`table.cal-timegrid[data-roving] :is(${SLOTS})`) : null
    if (slot && slot.tabIndex !== 0) {
      const grid = slot.closest('table.cal-timegrid')
      for (const a of grid.querySelectorAll(`:is(${SLOTS})[tabindex="0"]`)) a.tabIndex = -1
      slot.tabIndex = 0
    }
  })

  paint(document)
  roving(document)
  rovingSlots(document)
  document.addEventListener('htmx:after:swap', (e) => {
    const root = e.target instanceof Element ? e.target : document
    paint(root)
    roving(root)
    rovingSlots(root)
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

  // Week and day grids open on the working day, as in Google Calendar: the grid becomes a box as
  // high as the screen allows whose day names and all-day row stay at its top, scrolled to 07:00,
  // or to the first event of the shown days when that starts earlier. Not when the URL's fragment
  // names something on the page (the browser scrolls there). Without this script the grid is as
  // tall as its 24 hours and the page scrolls.
  const FIRST_HOUR = 7
  const sizeBox = (wrap) => {
    const top = wrap.getBoundingClientRect().top + window.scrollY
    let height = window.innerHeight - top - 16
    // too little room under the page's header (phones): as high as the screen, the page scrolls to it
    if (height < window.innerHeight * 0.6) height = window.innerHeight - 16
    wrap.style.maxHeight = Math.max(height, 240) + 'px'
  }
  // The box ends on an hour line: at its foot an hour label cut in half ("17:00" showing its top half)
  // read as a broken page. Its height drops by the part of an hour it shows there.
  const fitHours = (wrap, plane) => {
    const hour = plane.getBoundingClientRect().height / 24
    const bottom = wrap.getBoundingClientRect().top + wrap.clientTop + wrap.clientHeight
    const past = (bottom - plane.getBoundingClientRect().top) % hour
    if (past > 0.5 && hour - past > 0.5) wrap.style.maxHeight = parseFloat(wrap.style.maxHeight) - past + 'px'
  }
  const openOnWorkingDay = () => {
    const grid = document.querySelector('table.cal-timegrid')
    if (!grid || grid.dataset.scrolled) return
    grid.dataset.scrolled = '1'
    const id = decodeURIComponent(location.hash.slice(1))
    if (id && document.getElementById(id)) return
    const wrap = grid.closest('.table-wrap')
    const plane = grid.querySelector('.cal-timed-row .cal-plane')
    if (!wrap || !plane) return
    sizeBox(wrap)
    if (wrap.scrollHeight <= wrap.clientHeight + 1) {
      wrap.style.maxHeight = ''
      return // the whole day fits: nothing to scroll
    }
    wrap.style.overflowY = 'auto'
    // the day names, and the all-day row unless it is a third of the box or more, stay on top;
    // sticky cells need an opaque background (a tinted one is laid over the page's). The all-day
    // row sticks as one row, so a bar drawn across several days still overflows its first cell.
    const clear = (c) => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c)
    const page = [document.body, document.documentElement].map((el) => getComputedStyle(el).backgroundColor).find((c) => !clear(c)) ?? 'Canvas'
    const opaque = (cell) => {
      const own = getComputedStyle(cell).backgroundColor
      cell.style.background = `linear-gradient(${own}, ${own}), ${page}`
    }
    const stick = (el, top) => {
      el.style.position = 'sticky'
      el.style.top = top + 'px'
      el.style.zIndex = '5'
    }
    const head = grid.tHead
    const headHeight = head ? head.getBoundingClientRect().height : 0
    for (const th of head ? head.querySelectorAll('th') : []) {
      stick(th, 0)
      opaque(th)
    }
    const allDay = grid.querySelector('.cal-allday-row')
    let covered = headHeight
    if (allDay && allDay.getBoundingClientRect().height < wrap.clientHeight / 3) {
      stick(allDay, headHeight)
      for (const cell of allDay.children) opaque(cell)
      covered += allDay.getBoundingClientRect().height
    }
    // keyboard focus scrolls links into view below the sticky rows, not under them
    wrap.style.scrollPaddingTop = covered + 'px'
    let row = FIRST_HOUR * 2
    for (const piece of grid.querySelectorAll('.cal-timed-row .cal-piece')) {
      const m = /\bcal-r-(\d+)\b/.exec(piece.className)
      if (m) row = Math.min(row, Number(m[1]))
    }
    const planeTop = plane.getBoundingClientRect().top - wrap.getBoundingClientRect().top + wrap.scrollTop
    wrap.scrollTop = Math.max(0, planeTop + (row * plane.getBoundingClientRect().height) / 48 - covered)
    // a browser that cannot stick a table row scrolls it away: then only the day names cover the hours
    if (covered > headHeight && Math.abs(allDay.getBoundingClientRect().top - wrap.getBoundingClientRect().top - headHeight) > 2) {
      wrap.scrollTop += covered - headHeight
      wrap.style.scrollPaddingTop = headHeight + 'px'
    }
    fitHours(wrap, plane)
    let pending = 0
    window.addEventListener('resize', () => {
      cancelAnimationFrame(pending)
      pending = requestAnimationFrame(() => {
        sizeBox(wrap)
        fitHours(wrap, plane)
      })
    })
  }
  openOnWorkingDay()

  // The event form's attendees: a filter box for a long list, and "Add a team" that ticks a team's
  // members (both hidden without this script, which the checkboxes do not need).
  const fold = (s) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
  for (const tools of document.querySelectorAll('[data-cal-attendee-tools]')) {
    const fieldset = tools.closest('fieldset')
    const people = [...fieldset.querySelectorAll('.cal-person')]
    const status = tools.querySelector('[data-cal-people-status]')
    const nobody = fieldset.querySelector('[data-cal-nobody]')
    const say = (text) => {
      if (status) status.textContent = text
    }
    tools.hidden = false
    const filter = tools.querySelector('[data-cal-filter]')
    if (filter) {
      const apply = () => {
        const words = fold(filter.value).split(/\s+/).filter(Boolean)
        let shown = 0
        for (const label of people) {
          const name = fold(label.dataset.name ?? label.textContent ?? '')
          const match = words.every((w) => name.includes(w))
          label.hidden = !match
          if (match) shown++
        }
        if (nobody) nobody.hidden = shown > 0
        say(words.length ? `${shown} of ${people.length} people shown` : '')
      }
      filter.addEventListener('input', apply)
      // Enter in the filter must not submit the form; Escape clears it
      filter.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') event.preventDefault()
        if (event.key === 'Escape' && filter.value) {
          event.preventDefault()
          filter.value = ''
          apply()
        }
      })
    }
    const team = tools.querySelector('[data-cal-team]')
    const add = tools.querySelector('[data-cal-team-add]')
    if (team && add) {
      add.addEventListener('click', () => {
        const option = team.selectedOptions[0]
        if (!option) return
        const ids = new Set((option.dataset.members ?? '').split(' ').filter(Boolean))
        let added = 0
        for (const box of fieldset.querySelectorAll('input[name="attendeeIds"]')) {
          if (ids.has(box.value) && !box.checked) {
            box.checked = true
            added++
          }
        }
        const name = option.textContent.replace(/\s*\(\d+\)$/, '')
        say(added ? `Added ${added} ${added === 1 ? 'person' : 'people'} from ${name}.` : `Everyone in ${name} is invited already.`)
      })
    }
  }

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
    // "Custom…": its fieldset shows while chosen, with the weekdays or the monthly choice of its unit
    const custom = form.querySelector('[data-cal-repeat-custom]')
    const unit = custom?.querySelector('[data-cal-repeat-unit]')
    const syncRule = () => {
      if (rule) rule.closest('label').hidden = repeat?.value !== 'custom'
      if (!custom) return
      custom.hidden = repeat?.value !== 'pick'
      for (const hint of custom.querySelectorAll('[data-cal-nojs-hint]')) hint.hidden = true
      for (const part of custom.querySelectorAll('[data-cal-repeat-for]')) part.hidden = part.dataset.calRepeatFor !== unit?.value
    }
    unit?.addEventListener('change', syncRule)
    repeat?.addEventListener('change', syncRule)
    syncRule()

    // "This event" of a series changes only the title, place, notes and time: the series' own
    // fields are disabled (back to what the page showed) while it is chosen, and enabled again
    // when the form is sent, so the unchanged values still reach the server as the form's values.
    const scopes = form.querySelectorAll('.cal-scope input[name="scope"]')
    const seriesControls = form.querySelectorAll('.cal-series-only :is(input, select, textarea, button)')
    const restore = (control) => {
      if (control instanceof HTMLSelectElement) for (const option of control.options) option.selected = option.defaultSelected
      else if (control.type === 'checkbox' || control.type === 'radio') control.checked = control.defaultChecked
      else if (!(control instanceof HTMLButtonElement)) control.value = control.defaultValue
    }
    const syncScope = () => {
      const one = form.querySelector('.cal-scope input[name="scope"]:checked')?.value === 'this'
      for (const control of seriesControls) {
        if (one && !control.disabled) restore(control)
        control.disabled = one
      }
      sync()
      syncRule()
    }
    if (scopes.length) {
      for (const radio of scopes) radio.addEventListener('change', syncScope)
      form.addEventListener('submit', () => {
        for (const control of seriesControls) control.disabled = false
        sync()
      })
      // back to this page from the next one: the browser may keep the fields as they were sent
      window.addEventListener('pageshow', syncScope)
      syncScope()
    }
  }
})()
