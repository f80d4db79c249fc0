/** @module The page for 4xx/5xx answers in the browser: what happened and what to do next. */
import { Layout } from './layout.tsx'

/** The body of an error page (also shown inside the shell for signed-in users). */
export function ErrorPanel(props: { status: number; title: string; message: string; action?: { href: string; label: string } }) {
  return (
    <section class="error-page">
      <p class="error-code">{props.status}</p>
      <h1 safe>{props.title}</h1>
      <p safe>{props.message}</p>
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
export function ErrorPage(props: { status: number; title: string; message: string; action?: { href: string; label: string } }): string {
  return (
    <Layout title={props.title}>
      <main id="main" class="container" tabindex="-1">
        <ErrorPanel {...props} />
      </main>
    </Layout>
  ) as string
}
