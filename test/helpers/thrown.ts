/** @module What a call throws, for tests that check more of the error than `toThrow` can (what its message leaves out, say). */
import { expect } from 'bun:test'

/** The error `run` throws or rejects with; the test fails unless it is a `type`. */
export async function thrown<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): Promise<E> {
  let error: unknown
  try {
    await run()
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(type)
  return error as E
}
