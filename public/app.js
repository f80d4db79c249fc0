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
    for (const open of document.querySelectorAll('details.dropdown[open], details.nav-toggle[open]')) {
      open.removeAttribute('open')
      open.querySelector('summary')?.focus()
    }
  })
  document.addEventListener('click', (event) => {
    for (const open of document.querySelectorAll('details.dropdown[open]')) {
      if (!open.contains(event.target)) open.removeAttribute('open')
    }
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

  // Keyboard shortcuts plugins declare on elements: <a data-shortcut="c" href=...>. Not while typing.
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return
    const t = event.target
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return
    const target = document.querySelector(`[data-shortcut="${CSS.escape(event.key)}"]`)
    if (!target) return
    event.preventDefault()
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) target.focus()
    else target.click()
  })
})()
