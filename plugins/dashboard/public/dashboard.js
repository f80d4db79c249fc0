// dashboard/dashboard.js: client behaviour for the dashboard plugin. Drag and drop in customize mode
// (the move up/down buttons do the same without a mouse), and keeping keyboard focus on the control
// the user pressed when htmx re-renders the dashboard after a layout change.
(() => {
  if (window.__dashboardInit) return
  window.__dashboardInit = true

  const csrf = () => {
    const field = document.querySelector('#dashboard input[name="_csrf"]')
    return field ? field.value : ''
  }

  // Up/down buttons: the first card cannot move up, the last cannot move down.
  const refreshMoveButtons = (grid) => {
    const cards = [...grid.querySelectorAll(':scope > .widget-card')]
    cards.forEach((card, i) => {
      for (const input of card.querySelectorAll('.widget-controls input[name="dir"]')) {
        const button = input.form && input.form.querySelector('button')
        if (!button) continue
        button.disabled = input.value === 'up' ? i === 0 : i === cards.length - 1
      }
    })
  }

  const saveOrder = async (grid) => {
    const body = new URLSearchParams()
    body.append('_csrf', csrf())
    for (const card of grid.querySelectorAll(':scope > .widget-card')) body.append('widgets', card.dataset.key)
    refreshMoveButtons(grid)
    try {
      const res = await fetch('/dashboard/layout', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf() },
        redirect: 'manual',
        credentials: 'same-origin',
      })
      if (res.status >= 400) window.location.assign('/dashboard?customize=1')
    } catch {
      window.location.assign('/dashboard?customize=1')
    }
  }

  const initSortable = () => {
    const grid = document.querySelector('#dashboard .dashboard-grid[data-sortable]')
    if (!grid || grid.dataset.sortableReady || typeof window.Sortable !== 'function') return
    grid.dataset.sortableReady = '1'
    window.Sortable.create(grid, {
      animation: 150,
      handle: '.widget-head',
      draggable: '.widget-card',
      filter: 'button, a, input',
      preventOnFilter: false,
      onEnd: (evt) => {
        if (evt.oldIndex !== evt.newIndex) saveOrder(grid)
      },
    })
  }

  // Focus: remember which control started a layout change, focus its twin after the swap.
  let lastLabel = null
  let lastKey = null
  document.addEventListener('htmx:before:request', (evt) => {
    const form = evt.target && evt.target.closest && evt.target.closest('#dashboard form')
    if (!form) return
    const active = document.activeElement
    lastLabel = active && form.contains(active) ? active.getAttribute('aria-label') : null
    const key = form.querySelector('input[name="key"]')
    lastKey = key ? key.value : null
  })
  const restoreFocus = () => {
    if (!lastLabel && !lastKey) return
    const root = document.getElementById('dashboard')
    if (!root) return
    let target = null
    if (lastLabel) target = [...root.querySelectorAll('button[aria-label]')].find((b) => b.getAttribute('aria-label') === lastLabel && !b.disabled)
    if (!target && lastKey) {
      const card = [...root.querySelectorAll('.widget-card')].find((c) => c.dataset.key === lastKey)
      target = card ? card.querySelector('h2') : root.querySelector('h1')
      if (target) target.setAttribute('tabindex', '-1')
    }
    lastLabel = lastKey = null
    if (target) target.focus()
  }
  // Packing: the grid's rows are ROW px high and each card spans as many as its height (plus the gap)
  // needs, so the next card in the saved order takes the first free place, usually right under a
  // short card, instead of waiting for the row's tallest card to end (masonry, row-major order kept:
  // DOM order = saved order = Tab order). Without JavaScript the grid stays a plain one.
  const ROW = 4 // px: grid-auto-rows of .dashboard-grid.packed in dashboard.css
  let observer = null
  const packCard = (card, gap) => {
    const span = Math.max(1, Math.ceil((card.getBoundingClientRect().height + gap) / ROW))
    if (card.style.gridRowEnd !== `span ${span}`) card.style.gridRowEnd = `span ${span}`
  }
  const pack = () => {
    const grid = document.querySelector('#dashboard .dashboard-grid')
    if (observer) observer.disconnect()
    if (!grid || typeof ResizeObserver !== 'function') return
    grid.classList.add('packed')
    const gap = () => parseFloat(getComputedStyle(grid).columnGap) || 16
    observer = new ResizeObserver((entries) => {
      const g = gap()
      for (const entry of entries) packCard(entry.target, g)
    })
    for (const card of grid.querySelectorAll(':scope > .widget-card')) observer.observe(card)
    // a card moved (drag, up/down) keeps its span; a new one is measured by the observer
    if (!grid.dataset.packWatch) {
      grid.dataset.packWatch = '1'
      new MutationObserver(() => { for (const card of grid.querySelectorAll(':scope > .widget-card')) observer.observe(card) }).observe(grid, { childList: true })
    }
  }

  document.addEventListener('htmx:after:settle', () => {
    restoreFocus()
    initSortable()
    pack()
  })

  const start = () => {
    initSortable()
    pack()
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
