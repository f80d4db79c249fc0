/**
 * @module Removing a deleted organization's rows from plugin tables. Core deletes its own rows of an
 * organization in one transaction (Orgs.deleteOrg), which also records the organization in
 * core_deleted_orgs; plugin tables are the plugins', so core finds them through each plugin's schema:
 * by the rule every plugin follows (docs/PLUGINS.md), a row of organization data carries `org_id`. A
 * row whose `org_id` is a deleted organization goes. Because the record stays, the sweep also
 * catches up with deletions made while a plugin's code could not run (an external plugin that failed
 * to load, a disabled one whose tables were not there yet) and after a crash between the two steps.
 * Each query looks rows up by org_id among the few deleted ids (the org_id indexes), never scans
 * for rows of organizations that merely do not exist.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm'
import type { Store } from '../store/connect.ts'

/** One table that lost rows. */
export interface SweptTable {
  plugin: string
  table: string
  rows: number
}

/** The tables of a schema that hold organization data (they have an `org_id` column). */
export function orgTables(tables: Record<string, unknown>): { name: string; column: string }[] {
  const out: { name: string; column: string }[] = []
  for (const table of Object.values(tables)) {
    const columns = Object.values(getTableColumns(table as Table)) as { name: string }[]
    if (columns.some((c) => c.name === 'org_id')) out.push({ name: getTableName(table as Table), column: 'org_id' })
  }
  return out
}

/**
 * Deletes the rows of `tables` whose org_id is a deleted organization (core_deleted_orgs). Counts
 * first, so the usual case (nothing to do) only reads: on SQLite it never takes the write lock.
 */
export async function sweepOrphans(store: Store, plugin: string, tables: Record<string, unknown>): Promise<SweptTable[]> {
  const swept: SweptTable[] = []
  for (const { name, column } of orgTables(tables)) {
    const t = quote(name)
    const c = `${t}.${quote(column)}`
    const orphan = `${c} in (select d.org_id from core_deleted_orgs d)`
    const [found] = await store.query<{ n: number | string }>(`select count(*) as n from ${t} where ${orphan}`)
    const rows = Number(found?.n ?? 0)
    if (!rows) continue
    await store.query(`delete from ${t} where ${orphan}`)
    swept.push({ plugin, table: name, rows })
  }
  return swept
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`
}
