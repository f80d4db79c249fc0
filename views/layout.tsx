/** @module The document around every full page: head, stylesheet, htmx. */
import type { Children } from '@kitajs/html'

/** A full HTML document. `title` is escaped; children must already be safe. */
export function Layout(props: { title: string; children?: Children }): string {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title safe>{`${props.title} · Coder IDE`}</title>
        <link rel="stylesheet" href="/public/app.css" />
        <script src="/public/htmx.min.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <main id="main" class="container">
          {props.children}
        </main>
      </body>
    </html>
  ) as string
}
