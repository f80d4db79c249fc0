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
      <body class={props.bodyClass} hx-headers={props.csrf ? JSON.stringify({ 'X-CSRF-Token': props.csrf }) : undefined}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        {props.children}
      </body>
    </html>
  ) as string
}
