// planning/board.js: client behaviour of the planning pages. No inline scripts (CSP), so it lives here.
// - label chips get the color of their dot from data-color (inline styles are blocked by the CSP; CSSOM is not)
// - the kanban board: cards move between columns by drag and drop (Sortable), POSTing the new state,
//   or with their state select: htmx posts the change (once the select rests: arrow keys change it at
//   every press) and swaps the board in place, then the focus goes back to that card's select. Without JavaScript the board is one form: a card's select and
//   its Move button (hidden here) post to the board.
// - a board wider than its box scrolls sideways: data-more says which edge hides columns (CSS fades it)
// - x toggles the focused list row's checkbox (j/k and Enter are app.js's generic data-rows keys)
// - ? opens the keyboard shortcuts dialog
// - the list's select-all box checks or clears every row of the page
// - filter pickers (details.dropdown.pl-picker: checkboxes): their lists hang over the page (.pl-live; in
//   the flow without a script), the summary follows the boxes, and a picker closes when the focus leaves
//   it (app.js closes it on Escape and on a click elsewhere)
(() => {
  const csrf = () => {
    try {
      const body = document.body
      return JSON.parse(body.getAttribute('hx-headers:inherited') || '{}')['X-CSRF-Token'] || ''
    } catch {
      return ''
    }
  }

  function paintLabels(root) {
    for (const el of root.querySelectorAll('[data-color]')) {
      const c = el.dataset.color
      if (/^#[0-9a-fA-F]{6}$/.test(c)) el.style.setProperty('--pl-label', c)
    }
  }

  // A column's count is how many tasks match in its state (the server counts them; a column shows at
  // most 50 cards): a card dragged across moves one from the count of its old column to the new one.
  function shiftCount(list, by) {
    const count = list && list.closest('.pl-column') && list.closest('.pl-column').querySelector('.pl-count')
    if (!count) return
    const n = Math.max(0, (Number(count.dataset.count) || 0) + by)
    count.dataset.count = String(n)
    count.textContent = String(n)
  }

  /** The task key of a card (`card-WEB-42`). */
  const keyOf = (card) => card.id.slice('card-'.length)
  const moveUrl = (card) => `/planning/tasks/${encodeURIComponent(keyOf(card))}/state`

  async function move(card, list, board, from) {
    const stateId = list.dataset.stateId
    const prev = card.previousElementSibling
    const next = card.nextElementSibling
    // a position between the neighbours keeps the column order after a reload
    const pos = (el) => Number(el && el.dataset.position) || 0
    const position = prev && next ? (pos(prev) + pos(next)) / 2 : prev ? pos(prev) + 1 : next ? pos(next) - 1 : Date.now()
    card.dataset.position = String(position)
    const body = new URLSearchParams({ state: stateId, position: String(position) })
    card.setAttribute('aria-busy', 'true')
    try {
      const res = await fetch(moveUrl(card), {
        method: 'POST',
        headers: { 'X-CSRF-Token': csrf(), Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
        credentials: 'same-origin',
      })
      if (!res.ok) throw new Error(String(res.status))
      // the select's options are the columns, in the same order
      const select = card.querySelector('select')
      if (select) select.selectedIndex = [...board.querySelectorAll('.pl-cards')].indexOf(list)
      if (from && from !== list) {
        shiftCount(from, -1)
        shiftCount(list, 1)
      }
    } catch {
      window.location.reload() // the server is the truth: show where the card really is
    } finally {
      card.removeAttribute('aria-busy')
    }
  }

  // A card's select: htmx posts the move and swaps the board (the response is the new board), once the
  // select has rested SAVE_DELAY after its last change: arrow keys on a closed select change it at every
  // press, and each press would otherwise move the card (views/tasks.tsx waits as long on the task page).
  const SAVE_DELAY = 800
  const pending = new Map()
  let refocus = ''
  function sendMove(card, select) {
    pending.delete(select)
    refocus = keyOf(card)
    card.setAttribute('aria-busy', 'true')
    window.htmx.ajax('POST', moveUrl(card), { source: select, target: '#board', swap: 'outerHTML', values: { state: select.value } }).catch(() => window.location.reload())
  }
  document.addEventListener('change', (event) => {
    const select = event.target
    if (!(select instanceof HTMLSelectElement)) return
    const card = select.closest('#board[data-board="movable"] .pl-card')
    if (!card) return
    if (!window.htmx) {
      select.form.requestSubmit(card.querySelector('button[name="move"]'))
      return
    }
    clearTimeout(pending.get(select))
    pending.set(select, setTimeout(() => sendMove(card, select), SAVE_DELAY))
  })

  /** Marks which edges of a board hide columns: 'start', 'end', 'both', or none. */
  function markOverflow(board) {
    const max = board.scrollWidth - board.clientWidth
    const start = board.scrollLeft > 2
    const end = max - board.scrollLeft > 2
    const more = start && end ? 'both' : start ? 'start' : end ? 'end' : ''
    if (more) board.dataset.more = more
    else delete board.dataset.more
  }
  function watchOverflow(root) {
    const board = root.querySelector ? root.querySelector('.pl-board') : null
    if (!board || board.dataset.watched) return
    board.dataset.watched = '1'
    board.addEventListener('scroll', () => markOverflow(board), { passive: true })
    markOverflow(board)
  }
  window.addEventListener('resize', () => {
    const board = document.querySelector('.pl-board')
    if (board) markOverflow(board)
  })

  function initBoard(root) {
    watchOverflow(document)
    const board = root.querySelector('#board[data-board="movable"]') || (root.matches && root.matches('#board[data-board="movable"]') ? root : null)
    if (!board) return
    board.classList.add('pl-live')
    if (refocus) {
      const select = document.getElementById(`card-${refocus}`)?.querySelector('select')
      refocus = ''
      if (select) select.focus()
    }
    if (!window.Sortable) return
    for (const list of board.querySelectorAll('.pl-cards')) {
      if (list.dataset.sortable) continue
      list.dataset.sortable = '1'
      window.Sortable.create(list, {
        group: 'planning-board',
        animation: 150,
        filter: 'select, button, input',
        preventOnFilter: false,
        onEnd: (evt) => {
          if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return
          move(evt.item, evt.to, board, evt.from)
        },
      })
    }
  }

  // j / k and Enter through the list's rows and the board's cards are app.js's (data-rows / data-row);
  // here: x toggles the focused row's checkbox, and the focused row or card shows as selected.
  const rows = () => [...document.querySelectorAll('.pl-row, .pl-card')]
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'x' || event.ctrlKey || event.metaKey || event.altKey) return
    const row = document.activeElement
    if (!(row instanceof HTMLElement) || !row.matches('.pl-row, .pl-card')) return
    const box = row.querySelector('input[type="checkbox"]')
    if (box) {
      event.preventDefault()
      box.checked = !box.checked
      syncSelectAll()
    }
  })
  document.addEventListener('focusin', (event) => {
    const row = event.target.closest && event.target.closest('.pl-row, .pl-card')
    if (row && event.target === row) for (const r of rows()) r.setAttribute('aria-selected', r === row ? 'true' : 'false')
  })

  // ? opens the keyboard shortcuts dialog (views/filter-fields.tsx: ShortcutsHelp); Esc closes it (a modal
  // <dialog>: the browser gives the focus back to what had it, a card or a row; browser-layout.test.ts)
  document.addEventListener('keydown', (event) => {
    if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return
    const t = event.target
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return
    const help = document.getElementById('pl-shortcuts')
    if (!(help instanceof HTMLDialogElement) || help.open) return
    event.preventDefault()
    help.showModal()
  })
  document.addEventListener('click', (event) => {
    const close = event.target instanceof Element ? event.target.closest('[data-close-dialog]') : null
    if (close) close.closest('dialog')?.close()
  })

  // The list's select-all box (in the header; hidden without this script, which it needs): checks or
  // clears every row of the page, so the bulk form shows (CSS :has); checked when every row is, mixed
  // when some are.
  const rowBoxes = () => [...document.querySelectorAll('#bulk-form input[name="ids"]')]
  function syncSelectAll() {
    const all = document.querySelector('.pl-select-all')
    if (!all) return
    const boxes = rowBoxes()
    const n = boxes.filter((b) => b.checked).length
    all.checked = n > 0 && n === boxes.length
    all.indeterminate = n > 0 && n < boxes.length
  }
  document.addEventListener('change', (event) => {
    const box = event.target
    if (!(box instanceof HTMLInputElement) || box.type !== 'checkbox') return
    if (box.classList.contains('pl-select-all')) {
      for (const b of rowBoxes()) b.checked = box.checked
      syncSelectAll()
    } else if (box.name === 'ids') syncSelectAll()
  })
  window.addEventListener('pageshow', syncSelectAll) // a page restored from the back/forward cache keeps its boxes

  // A filter picker's summary says what is chosen, as the server wrote it (views/filter-fields.tsx:
  // pickerText): "any", "High", "Urgent, High", "Urgent, High +2".
  function pickerText(names) {
    if (!names.length) return 'any'
    return names.length <= 2 ? names.join(', ') : `${names[0]}, ${names[1]} +${names.length - 2}`
  }
  function syncPicker(picker) {
    const value = picker.querySelector('.pl-picker-value')
    if (!value) return
    const names = [...picker.querySelectorAll('input[type="checkbox"]:checked')].map((box) => (box.closest('label')?.querySelector('.pl-picker-name')?.textContent || box.value).trim())
    value.textContent = pickerText(names)
  }
  const syncPickers = () => document.querySelectorAll('details.pl-picker').forEach(syncPicker)
  document.addEventListener('change', (event) => {
    const picker = event.target instanceof Element ? event.target.closest('details.pl-picker') : null
    if (picker) syncPicker(picker)
  })
  document.addEventListener('focusout', (event) => {
    const picker = event.target instanceof Element ? event.target.closest('details.pl-picker[open]') : null
    if (picker && event.relatedTarget instanceof Element && !picker.contains(event.relatedTarget)) picker.open = false
  })
  // (a page restored by Back keeps the boxes the user had checked: the summaries follow them)
  window.addEventListener('pageshow', syncPickers)

  function init(root) {
    paintLabels(root)
    syncPickers()
    for (const row of document.querySelectorAll('.pl-pickers')) row.classList.add('pl-live')
    initBoard(root)
    const all = document.querySelector('.pl-select-all')
    if (all) {
      all.hidden = false
      syncSelectAll()
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => init(document))
  else init(document)
  // after htmx swaps the board in (state select moves), wire it again
  document.addEventListener('htmx:after:swap', () => init(document))
  document.addEventListener('htmx:after:settle', () => init(document))
})()
