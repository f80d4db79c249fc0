/** @module The page for 4xx/5xx answers in the browser: what happened and what to do next. */
import { Layout } from './layout.tsx'

/**
 * What an error page says: a sentence, or a sentence and a detail folded away in a `<details>`
 * (a 403's permission id: for admins debugging, not for everyone to read first).
 */
export type ErrorMessage = string | { text: string; details: string }

/** The sentence of an error message (what the JSON API answers). */
export function messageText(message: ErrorMessage): string {
  return typeof message === 'string' ? message : message.text
}

/** The body of an error page (also shown inside the shell for signed-in users). */
export function ErrorPanel(props: { status: number; title: string; message: ErrorMessage; action?: { href: string; label: string } }) {
  const details = typeof props.message === 'string' ? undefined : props.message.details
  return (
    <section class="error-page">
      <p class="error-code">{props.status}</p>
      <h1 safe>{props.title}</h1>
      <p safe>{messageText(props.message)}</p>
      {details ? (
        <details class="error-details">
          <summary>Details</summary>
          <p safe>{details}</p>
        </details>
      ) : (
        ''
      )}
      {props.action ? (
        <p>
          <a href={props.action.href} safe>
            {props.action.label}
          </a>
        </p>
      ) : (
        ''
      )}
    </section>
  )
}

/** An error page; every string is escaped. */
export function ErrorPage(props: { status: number; title: string; message: ErrorMessage; action?: { href: string; label: string } }): string {
  return (
    <Layout title={props.title}>
      <main id="main" class="container" tabindex="-1">
        <ErrorPanel {...props} />
      </main>
    </Layout>
  ) as string
}
