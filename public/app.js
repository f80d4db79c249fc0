// Coder IDE client behaviour that HTML alone cannot do. No inline script anywhere (CSP), so it lives here.
(() => {
  // Forms and buttons with data-confirm ask first.
  document.addEventListener('submit', (event) => {
    const button = event.submitter
    const message = (button && button.dataset.confirm) || event.target.dataset.confirm
    if (message && !window.confirm(message)) event.preventDefault()
  }, true)

  // Dropdown menus (<details class="dropdown">) close on Escape and on a click elsewhere.
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return
    for (const open of document.querySelectorAll('details.dropdown[open], details.nav-toggle[open], details.row-menu[open]')) {
      open.removeAttribute('open')
      open.querySelector('summary')?.focus()
    }
  })
  document.addEventListener('click', (event) => {
    for (const open of document.querySelectorAll('details.dropdown[open], details.row-menu[open]')) {
      if (!open.contains(event.target)) open.removeAttribute('open')
    }
  })
  // A row's popover menu (<details class="row-menu">) also closes when the focus leaves it (Tab past
  // its last item), and only one is open at a time.
  document.addEventListener('focusout', (event) => {
    const menu = event.target instanceof Element ? event.target.closest('details.row-menu[open]') : null
    if (menu && event.relatedTarget instanceof Element && !menu.contains(event.relatedTarget)) menu.removeAttribute('open')
  })
  document.addEventListener('toggle', (event) => {
    const menu = event.target
    if (!(menu instanceof HTMLDetailsElement) || !menu.matches('details.row-menu') || !menu.open) return
    for (const other of document.querySelectorAll('details.row-menu[open]')) if (other !== menu) other.removeAttribute('open')
  }, true)

  // A tab bar (.tabs) too wide for its box scrolls sideways (on phones app.css wraps the tabs onto more
  // lines instead, so there is none): the current tab is scrolled into view, and the bar says which
  // edge hides more tabs (data-more="start|end|both", drawn as a fade in app.css).
  function fitTabs(root) {
    // The header's nav (#main-nav) scrolls the same way when a laptop's bar cannot hold all its icons.
    for (const bar of root.querySelectorAll('.tabs, #main-nav')) {
      const scroller = bar.scrollWidth > bar.clientWidth || bar.id === 'main-nav' ? bar : bar.querySelector(':scope > ul')
      if (!scroller) continue
      const mark = () => {
        const max = scroller.scrollWidth - scroller.clientWidth
        const start = scroller.scrollLeft > 1
        const end = scroller.scrollLeft < max - 1
        scroller.dataset.more = start && end ? 'both' : start ? 'start' : end ? 'end' : ''
      }
      const current = scroller.querySelector('[aria-current="page"]')
      if (current && scroller.scrollWidth > scroller.clientWidth) {
        const left = current.getBoundingClientRect().left - scroller.getBoundingClientRect().left + scroller.scrollLeft
        const right = left + current.offsetWidth
        if (right > scroller.scrollLeft + scroller.clientWidth || left < scroller.scrollLeft) {
          scroller.scrollLeft = Math.max(0, left - (scroller.clientWidth - current.offsetWidth) / 2)
        }
      }
      mark()
      if (!scroller.dataset.tabsWatched) {
        scroller.dataset.tabsWatched = '1'
        scroller.addEventListener('scroll', mark, { passive: true })
      }
    }
  }
  const fitAll = () => fitTabs(document)
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fitAll)
  else fitAll()
  window.addEventListener('resize', fitAll)
  for (const name of ['htmx:after:swap', 'htmx:afterSwap', 'htmx:after:settle']) document.addEventListener(name, fitAll)

  // Times in the viewer's zone. The server marks each time it writes: <time datetime="ISO">, its text
  // "2026-11-03 14:00 UTC" (LocalTime, formatDate: views/components.tsx) or its title in that shape.
  // Here those become the browser's local time ("2026-11-03 15:00 GMT+1"), on load and after every
  // htmx swap; a <time> whose text changes keeps the UTC text in its title. Nothing else is touched:
  // the same text in a task title, a comment or a field is the user's and stays as written.
  // The zone goes to the server too, as the calendar's cookie (cal_tz: its grid and the dashboard's
  // Upcoming show times in it), from every page rather than from the calendar's pages only.
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
    if (tz && !document.cookie.split('; ').includes('cal_tz=' + encodeURIComponent(tz))) {
      document.cookie = 'cal_tz=' + encodeURIComponent(tz) + '; path=/; max-age=31536000; samesite=lax'
    }
  } catch {
    // no Intl time zone: the server keeps UTC
  }
  const UTC_TIME = /\b(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC\b/g
  const pad = (n) => String(n).padStart(2, '0')
  const zoneOf = (t) => {
    try {
      return new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(t).find((p) => p.type === 'timeZoneName')?.value || ''
    } catch {
      return ''
    }
  }
  const toLocal = (text) =>
    text.replace(UTC_TIME, (all, y, mo, d, h, mi) => {
      const t = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi))
      if (isNaN(t.getTime())) return all
      const zone = zoneOf(t)
      return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}${zone ? ' ' + zone : ''}`
    })
  function localTimes(root) {
    if (!root) return
    for (const time of root.querySelectorAll('time[datetime]:not([data-local])')) {
      time.dataset.local = '' // done: a title set to UTC below stays UTC on the next pass
      if (time.title.includes(' UTC')) time.title = toLocal(time.title)
      const walker = document.createTreeWalker(time, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = toLocal(n.nodeValue)
        if (text === n.nodeValue) continue
        if (!time.title) time.title = n.nodeValue.trim()
        n.nodeValue = text
      }
    }
  }
  const localAll = () => localTimes(document.body)
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', localAll)
  else localAll()
  for (const name of ['htmx:after:swap', 'htmx:afterSwap']) document.addEventListener(name, localAll)

  // A form that comes back with errors (a 422, by page load or htmx swap) puts the focus on its first
  // invalid field, so a keyboard or screen-reader user lands on what to fix rather than on <body>.
  // A field the server marked autofocus, or focus the user already placed, wins.
  function focusInvalid() {
    const active = document.activeElement
    if (active && active !== document.body && active.isConnected) return
    if (document.querySelector('main [autofocus]')) return
    const field = document.querySelector('main [aria-invalid="true"]')
    if (!(field instanceof HTMLElement)) return
    field.focus()
    field.scrollIntoView({ block: 'center' })
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', focusInvalid)
  else focusInvalid()
  // After a swap, only when the new content holds an invalid field: a swap elsewhere (the live bell,
  // a widget) must not pull the focus back to an old error or scroll the page to it.
  document.addEventListener('htmx:after:settle', (event) => {
    const fresh = event.detail?.newContent ?? []
    const invalid = (el) => el instanceof Element && (el.matches('[aria-invalid="true"]') || el.querySelector('[aria-invalid="true"]'))
    if (Array.from(fresh).some(invalid)) focusInvalid()
  })

  // Copy buttons: <button data-copy="#id">.
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-copy]')
    if (!button) return
    const source = document.querySelector(button.dataset.copy)
    if (!source) return
    await navigator.clipboard?.writeText(source.textContent.trim())
    button.textContent = 'Copied'
  })

  const typing = (t) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))
  const shown = (el) => el.getClientRects().length > 0

  // Keyboard shortcuts declared on elements: <a data-shortcut="c" href=...> is clicked, an input or
  // textarea focused. Not while typing. Several elements may declare a key: one inside <main> (the
  // page's own) wins over one outside it (the header's search box declares "/" as every page's
  // fallback), a visible one over a hidden one. A hidden target is revealed first (a closed
  // <details> around it, the folded header menu on narrow screens).
  function shortcutTarget(key) {
    const all = [...document.querySelectorAll(`[data-shortcut="${CSS.escape(key)}"]`)]
    const inMain = (el) => !!el.closest('main')
    return all.find((el) => inMain(el) && shown(el)) || all.find(shown) || all.find(inMain) || all[0] || null
  }
  function reveal(el) {
    for (let d = el.closest('details:not([open])'); d; d = d.parentElement && d.parentElement.closest('details:not([open])')) d.open = true
    const toggle = document.querySelector('details.nav-toggle')
    if (!shown(el) && toggle && toggle.nextElementSibling && toggle.nextElementSibling.contains(el)) toggle.open = true
  }

  // Rows by keyboard. A container marked data-rows holds rows marked data-row (table rows, list
  // items, cards). j / k move the focus to the next / previous row of the page (all such containers,
  // in document order; from nowhere, to the first): to the row itself when it is focusable (it has
  // a tabindex, or is a link), else to its first link. Enter on a focused row opens its data-href,
  // or follows its first link. Hidden rows are skipped.
  const rows = () => [...document.querySelectorAll('[data-rows] [data-row]')].filter(shown)
  const focusable = (row) => row.matches('a[href], [tabindex]:not([tabindex="-1"])')
  const rowLink = (row) => row.querySelector('a[href]')
  function focusRow(row) {
    const target = focusable(row) ? row : rowLink(row) || row.querySelector('button, input, select, textarea, [tabindex]:not([tabindex="-1"])')
    if (!target) return
    target.focus()
    row.scrollIntoView({ block: 'nearest' })
  }

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return
    const t = event.target
    if (typing(t)) return
    if (event.key === 'j' || event.key === 'k') {
      const list = rows()
      if (list.length) {
        event.preventDefault()
        const current = document.activeElement instanceof Element ? document.activeElement.closest('[data-row]') : null
        const i = list.indexOf(current)
        focusRow(list[i < 0 ? 0 : Math.min(Math.max(i + (event.key === 'j' ? 1 : -1), 0), list.length - 1)])
        return
      }
    }
    if (event.key === 'Enter' && t instanceof Element && t.matches('[data-row]') && !t.matches('a[href], button') && t.closest('[data-rows]')) {
      const href = t.getAttribute('data-href')
      const link = rowLink(t)
      if (href || link) {
        event.preventDefault()
        if (href) window.location.href = href
        else link.click()
      }
      return
    }
    const target = shortcutTarget(event.key)
    if (!target) return
    event.preventDefault()
    reveal(target)
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) target.focus()
    else target.click()
  })
})()
