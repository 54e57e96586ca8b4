/**
 * The one way a failure of a persistence adapter becomes a `PersistenceError`: an adapter may
 * throw one itself (kept as it is) or anything else (wrapped, naming the adapter and operation).
 */
import { PersistenceError } from "../SyncError.js"

/** `cause` as a `PersistenceError` of adapter `kind` during `operation`. */
export const toPersistenceError = (
  kind: string,
  operation: PersistenceError["operation"],
  cause: unknown
): PersistenceError =>
  cause instanceof PersistenceError ? cause : new PersistenceError({ kind, operation, cause })

/** Runs `f`, turning whatever it rejects with into a `PersistenceError`. */
export const guarded = async <A>(
  kind: string,
  operation: PersistenceError["operation"],
  f: () => Promise<A>
): Promise<A> => {
  try {
    return await f()
  } catch (cause) {
    throw toPersistenceError(kind, operation, cause)
  }
}
