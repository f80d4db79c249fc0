/** Ambient module types: SQL migrations and static files are imported as text or embedded files. */
declare module '*.sql' {
  const text: string
  export default text
}
declare module '*.css' {
  const path: string
  export default path
}
declare module 'htmx.org/dist/htmx.min.js' {
  const path: string
  export default path
}
declare module '*.svg' {
  const text: string
  export default text
}
declare module '*.js' {
  const path: string
  export default path
}
declare module 'sortablejs/Sortable.min.js' {
  const path: string
  export default path
}
declare module 'htmx.org/dist/ext/hx-sse.min.js' {
  const path: string
  export default path
}
