// collaboration/live.js: @mention autocomplete in comment textareas (textarea[data-mentions]).
// Typing "@an" asks GET <data-mentions>?q=an for an HTML list of org members (buttons with
// data-mention-id / -name / -email); picking one inserts "@ana@example.com", which the server turns
// into the stored mention "@[Name](user-id)" when the comment is saved (markdown.ts; the edit box
// shows it as @email again). An address that form cannot carry gets the stored syntax instead.
// Arrow keys move, Enter/Tab pick, Escape closes. Delegated on document, so threads swapped
// in by htmx work too. The live bell itself is htmx's hx-sse extension (/public/hx-sse.js).
(() => {
  if (window.__collabLive) return
  window.__collabLive = true

  const QUERY = /(^|[\s(])@([^\s@()[\]]{0,40})$/
  // the addresses markdown.ts's EMAIL_MENTION resolves at save time
  const MENTIONABLE_EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/
  let timer = 0
  let seq = 0

  const listFor = (ta) => ta.parentElement && ta.parentElement.querySelector('.collab-mention-list')

  function close(ta) {
    const list = listFor(ta)
    if (list) {
      list.hidden = true
      list.innerHTML = ''
    }
    ta.setAttribute('aria-expanded', 'false')
    if (list) ta.setAttribute('aria-controls', list.id)
    ta.removeAttribute('aria-activedescendant')
  }

  // The highlighted suggestion: class `active`, aria-selected on its option, the textarea's
  // aria-activedescendant pointing at it (screen readers announce it while the focus stays in the textarea).
  function highlight(ta, items, i) {
    items.forEach((b, j) => {
      b.classList.toggle('active', j === i)
      const option = b.closest('[role="option"]')
      if (option) option.setAttribute('aria-selected', j === i ? 'true' : 'false')
    })
    const option = items[i] && items[i].closest('[role="option"]')
    if (option) ta.setAttribute('aria-activedescendant', option.id)
    else ta.removeAttribute('aria-activedescendant')
  }

  function currentQuery(ta) {
    const before = ta.value.slice(0, ta.selectionStart)
    const m = QUERY.exec(before)
    return m ? { q: m[2], start: before.length - m[2].length - 1 } : null
  }

  async function suggest(ta) {
    const found = currentQuery(ta)
    if (!found) return close(ta)
    const mine = ++seq
    try {
      const res = await fetch(ta.dataset.mentions + '?q=' + encodeURIComponent(found.q), { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      if (!res.ok || mine !== seq) return
      const html = await res.text()
      const list = listFor(ta)
      if (!list || mine !== seq) return
      list.innerHTML = html
      list.hidden = false
      const listbox = list.querySelector('[role="listbox"]')
      const items = [...list.querySelectorAll('[data-mention-id]')]
      if (listbox) listbox.id = ta.id + '-listbox'
      items.forEach((b, j) => {
        const option = b.closest('[role="option"]')
        if (option) option.id = ta.id + '-option-' + j
      })
      ta.setAttribute('aria-controls', listbox ? listbox.id : list.id)
      ta.setAttribute('aria-expanded', items.length ? 'true' : 'false')
      highlight(ta, items, 0)
    } catch {
      close(ta)
    }
  }

  function pick(ta, button) {
    const found = currentQuery(ta)
    const email = button.dataset.mentionEmail || ''
    const name = (button.dataset.mentionName || '').replace(/[\]\n]/g, '')
    const token = MENTIONABLE_EMAIL.test(email) ? '@' + email + ' ' : '@[' + name + '](' + button.dataset.mentionId + ') '
    const start = found ? found.start : ta.selectionStart
    const end = ta.selectionStart
    ta.value = ta.value.slice(0, start) + token + ta.value.slice(end)
    const caret = start + token.length
    ta.setSelectionRange(caret, caret)
    close(ta)
    ta.focus()
  }

  document.addEventListener('input', (e) => {
    const ta = e.target
    if (!(ta instanceof HTMLTextAreaElement) || !ta.dataset.mentions) return
    clearTimeout(timer)
    timer = setTimeout(() => suggest(ta), 200)
  })

  document.addEventListener('keydown', (e) => {
    const ta = e.target
    if (!(ta instanceof HTMLTextAreaElement) || !ta.dataset.mentions) return
    const list = listFor(ta)
    if (!list || list.hidden) return
    const items = [...list.querySelectorAll('[data-mention-id]')]
    if (!items.length) {
      if (e.key === 'Escape') close(ta)
      return
    }
    let i = items.findIndex((b) => b.classList.contains('active'))
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      i = e.key === 'ArrowDown' ? (i + 1) % items.length : (i - 1 + items.length) % items.length
      highlight(ta, items, i)
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault()
      pick(ta, items[Math.max(i, 0)])
    } else if (e.key === 'Escape') {
      e.preventDefault()
      close(ta)
    }
  })

  // An unread notification's title (inbox): a plain click submits its form, which marks it read and
  // redirects (303) to the target; a click that opens a new tab (middle, Ctrl/Cmd/Shift) keeps the
  // link's own behaviour and posts the form in the background, then shows the row read and the new
  // bell. Enter on the link (j/k navigation included) is a click.
  function openNotification(e) {
    const link = e.target instanceof Element && e.target.closest('a[data-notification-open]')
    const form = link && link.closest('form')
    if (!form || e.defaultPrevented) return
    const newTab = e.button === 1 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey
    if (e.type === 'auxclick' && e.button !== 1) return
    if (!newTab) {
      e.preventDefault()
      form.submit()
      return
    }
    fetch(form.action, { method: 'POST', body: new FormData(form), headers: { 'HX-Request': 'true' }, credentials: 'same-origin', keepalive: true })
      .then((res) => (res.ok ? res.text() : undefined))
      .then((bell) => {
        if (bell === undefined) return
        link.removeAttribute('data-notification-open') // read now: a plain click just follows the link
        const row = form.closest('li.unread')
        if (row) {
          row.classList.replace('unread', 'read')
          const mark = row.querySelector('form[action$="/read"]')
          if (mark) mark.outerHTML = '<span class="badge">Read</span>'
        }
        const live = document.querySelector('.collab-bell-live')
        if (live && bell) live.innerHTML = bell
      })
      .catch(() => {})
  }
  document.addEventListener('auxclick', openNotification)

  document.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('a[data-notification-open]')) return openNotification(e)
    const button = e.target instanceof Element && e.target.closest('.collab-mention-list [data-mention-id]')
    if (button) {
      e.preventDefault()
      const ta = button.closest('.collab-mention-wrap').querySelector('textarea')
      if (ta) pick(ta, button)
      return
    }
    for (const list of document.querySelectorAll('.collab-mention-list:not([hidden])')) {
      if (!list.parentElement.contains(e.target)) {
        const ta = list.parentElement.querySelector('textarea')
        if (ta) close(ta)
      }
    }
  })
})()
