/**
 * @module Running drizzle's prepared queries fast. Drizzle maps every result row field by field
 * with type checks and path walks (more CPU than SQLite spends running an indexed query); a
 * prepared query's fields never change, so its mapper is worked out once here and rows are decoded
 * with a flat loop. Anything unusual (custom mappers, nested or nullable joins) keeps drizzle's way.
 */
import { Column, is, SQL, Subquery } from 'drizzle-orm'

/** What a row mapper needs from a drizzle prepared query (its internal but stable fields). */
interface PreparedShape {
  fields?: { path: string[]; field: unknown }[]
  joinsNotNullableMap?: Record<string, boolean>
  customResultMapper?: unknown
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown
}

const identity = Column.prototype.mapFromDriverValue

function decoderOf(field: unknown): Decoder | undefined {
  if (is(field, Column)) return field
  // `decoder` is internal to drizzle's SQL (set by `.mapWith`)
  const decoderOfSql = (s: SQL) => (s as unknown as { decoder: Decoder }).decoder
  if (is(field, SQL)) return decoderOfSql(field)
  if (is(field, SQL.Aliased)) return decoderOfSql(field.sql)
  if (is(field, Subquery)) return decoderOfSql((field as unknown as { _: { sql: SQL } })._.sql)
  return undefined
}

/**
 * A function from a raw row (values in select order) to the object drizzle would return, or
 * undefined when the query needs drizzle's own mapping.
 */
export function rowMapper(query: object): ((row: unknown[]) => Record<string, unknown>) | undefined {
  const { fields, joinsNotNullableMap, customResultMapper } = query as PreparedShape
  if (!fields || customResultMapper) return undefined
  // A left join turns an all-null joined table into null: drizzle's mapper knows how.
  if (joinsNotNullableMap && Object.values(joinsNotNullableMap).some((notNull) => !notNull)) return undefined
  const outer: string[] = []
  const inner: (string | undefined)[] = []
  const decode: (((value: unknown) => unknown) | undefined)[] = []
  for (const { path, field } of fields) {
    const decoder = decoderOf(field)
    if (!decoder || path.length < 1 || path.length > 2) return undefined
    outer.push(path[0]!)
    inner.push(path[1])
    decode.push(decoder.mapFromDriverValue === identity ? undefined : decoder.mapFromDriverValue.bind(decoder))
  }
  return compileMapper(outer, inner, decode)
}

/**
 * Writes the mapper as one object literal per row (`{ id: r[0], createdAt: r[1] == null ? null :
 * d[1](r[1]), ... }`): every row gets the same shape at once, which JavaScriptCore builds and reads
 * several times faster than an object filled key by key. The keys come from the query's own field
 * names (quoted with JSON.stringify), never from data.
 */
function compileMapper(outer: string[], inner: (string | undefined)[], decode: (((value: unknown) => unknown) | undefined)[]) {
  const value = (i: number) => (decode[i] ? `(r[${i}] == null ? null : d[${i}](r[${i}]))` : `(r[${i}] === undefined ? null : r[${i}])`)
  const groups = new Map<string, string[]>()
  for (let i = 0; i < outer.length; i++) {
    const key = inner[i]
    if (key === undefined) groups.set(outer[i]!, [value(i)])
    else {
      const list = groups.get(outer[i]!) ?? []
      if (!groups.has(outer[i]!)) groups.set(outer[i]!, list)
      list.push(`${JSON.stringify(key)}: ${value(i)}`)
    }
  }
  const parts = [...groups].map(([key, list]) => {
    const nested = inner[outer.indexOf(key)] !== undefined
    return `${JSON.stringify(key)}: ${nested ? `{ ${list.join(', ')} }` : list[0]}`
  })
  const build = new Function('d', `return function mapRow(r) { return { ${parts.join(', ')} } }`) as (d: typeof decode) => (row: unknown[]) => Record<string, unknown>
  return build(decode)
}
