/**
 * @module Transaction isolation on SQLite's single connection. While `store.tx` runs, queries from
 * anywhere else wait for it to end instead of running inside it; the transaction's own queries
 * (recognized by an AsyncLocalStorage context) go ahead. Drizzle's SQLite builders all execute
 * through `execute()` when awaited, which is where the gate sits.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { SQLiteDeleteBase, SQLiteInsertBase, SQLiteSelectBase, SQLiteUpdateBase } from 'drizzle-orm/sqlite-core'

/** The open transaction of one connection, if any. */
export interface Gate {
  owner?: object
  done?: Promise<void>
}

const context = new AsyncLocalStorage<object>()
const gates = new WeakMap<object, Gate>()
let installed = false

/** Resolves when `gate` lets the current async context run a query. */
export async function passGate(gate: Gate): Promise<void> {
  while (gate.owner && context.getStore() !== gate.owner) await gate.done
}

/** Runs `fn` as the owner of `gate` (its queries pass, everybody else waits until it settles). */
export async function holdGate<T>(gate: Gate, fn: () => Promise<T>): Promise<T> {
  const owner = {}
  let release!: () => void
  gate.owner = owner
  gate.done = new Promise<void>((resolve) => (release = resolve))
  try {
    return await context.run(owner, fn)
  } finally {
    gate.owner = undefined
    release()
  }
}

/** The gate of a bun:sqlite connection; patches drizzle's SQLite builders once per process. */
export function gateFor(client: object): Gate {
  if (!installed) {
    installed = true
    for (const Builder of [SQLiteSelectBase, SQLiteInsertBase, SQLiteUpdateBase, SQLiteDeleteBase]) {
      const proto = Builder.prototype as unknown as { execute: (...args: unknown[]) => Promise<unknown>; session?: { client?: object } }
      const execute = proto.execute
      proto.execute = function (this: { session?: { client?: object } }, ...args: unknown[]) {
        const gate = this.session?.client ? gates.get(this.session.client) : undefined
        if (!gate?.owner || context.getStore() === gate.owner) return execute.apply(this, args)
        return passGate(gate).then(() => execute.apply(this, args))
      }
    }
  }
  let gate = gates.get(client)
  if (!gate) {
    gate = {}
    gates.set(client, gate)
  }
  return gate
}
