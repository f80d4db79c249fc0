/** @jsxImportSource @kitajs/html */
// What the bench plugin and the baseline both serve: one query, one page. Copied beside the plugin.

export interface Item {
  id: number
  title: string
  done: number
}

/** The query every items route runs: the first 50 items by id. */
export const ITEMS_SQL = 'select id, title, done from bench_items order by id limit 50'

/** A small HTML page with a table of the items; titles are escaped. */
export function itemsPage(rows: Item[]): string {
  const table = (
    <table>
      <thead>
        <tr><th>id</th><th>title</th><th>done</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr><td safe>{String(r.id)}</td><td safe>{r.title}</td><td>{r.done ? 'yes' : 'no'}</td></tr>
        ))}
      </tbody>
    </table>
  ) as string
  return '<!doctype html><title>Bench</title>' + table
}
