/** @module The HTML document around every full page: head, stylesheets, htmx, skip link. */
import type { Children } from '@kitajs/html'

/** A full HTML document. `title` is escaped; children must already be safe. */
export function Layout(props: { title: string; csrf?: string; bodyClass?: string; children?: Children }): string {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
        <title safe>{`${props.title} · Coder IDE`}</title>
        <link rel="stylesheet" href="/public/pico.css" />
        <link rel="stylesheet" href="/public/app.css" />
        <link rel="icon" href="/public/favicon.svg" type="image/svg+xml" />
        <script src="/public/htmx.min.js" defer></script>
        <script src="/public/app.js" defer></script>
      </head>
      <body class={props.bodyClass} {...csrfHeaders(props.csrf)}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        {props.children}
      </body>
    </html>
  ) as string
}

/**
 * The CSRF header for every htmx request on the page. htmx 4 inherits an attribute only when the
 * ancestor says `:inherited` (config implicitInheritance is false), so `hx-headers:inherited` is
 * what reaches a bare `hx-post` / `hx-delete` button outside any form. The plain `hx-headers` is
 * kept for scripts and tests that read the token from it; htmx itself ignores it for descendants.
 */
function csrfHeaders(csrf: string | undefined): Record<string, string> {
  if (!csrf) return {}
  const value = JSON.stringify({ 'X-CSRF-Token': csrf })
  return { 'hx-headers:inherited': value, 'hx-headers': value }
}
