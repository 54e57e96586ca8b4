/**
 * Telling a store that cannot be reached (nothing of the call was acknowledged: retry later) from
 * other failures, and naming a Postgres URL without its password.
 */
import type { Pool, PoolClient } from "pg"
import { StoreUnavailableError } from "../../Storage.js"

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE"
])

// SQLSTATE: 08xxx connection exceptions; 57P01-57P03 shutdown / crash / not accepting yet; 53300
// too many connections; 57014 a statement cancelled by statement_timeout (a store that hangs).
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"])

const DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed|Query read timeout/i

/** The error, or a `StoreUnavailableError` carrying its code when the server could not be reached. */
export const classify = (error: unknown): unknown => {
  if (!(error instanceof Error) || error instanceof StoreUnavailableError) return error
  const code = (error as { code?: unknown }).code
  const text = typeof code === "string" ? code : undefined
  if (
    (text !== undefined &&
      (NETWORK_CODES.has(text) || UNAVAILABLE_STATES.has(text) || text.startsWith("08"))) ||
    DRIVER_MESSAGES.test(error.message)
  ) {
    return new StoreUnavailableError(`Postgres unavailable: ${error.message}`, text)
  }
  return error
}

/** `host:port/database` of a Postgres URL: what error messages and logs may show. */
export const describeTarget = (url: URL): string =>
  `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname.length > 1 ? url.pathname : "/"}`

/**
 * Parses and checks a Postgres URL; throws naming the rule it breaks (without echoing a password).
 */
export const parsePostgresUrl = (text: string): URL => {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error("the Postgres URL is not a URL: expected postgres://user:password@host:5432/database")
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(
      `the Postgres URL must start with postgres:// or postgresql:// (got "${url.protocol}//"): expected postgres://user:password@host:5432/database`
    )
  }
  if (url.hostname === "" && !url.searchParams.has("host")) {
    throw new Error("the Postgres URL names no host: expected postgres://user:password@host:5432/database")
  }
  return url
}

/**
 * Runs `use` on a connection of the pool, with failures classified; a connection that failed
 * mid-use (mid-transaction) is not given back to others.
 */
export const withClient = async <A>(pool: Pool, use: (client: PoolClient) => Promise<A>): Promise<A> => {
  let client: PoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    throw classify(error)
  }
  let broken: Error | undefined
  try {
    return await use(client)
  } catch (error) {
    broken = error instanceof Error ? error : undefined
    throw classify(error)
  } finally {
    client.release(broken)
  }
}
