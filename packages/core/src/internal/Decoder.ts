/**
 * Decoding one raw entry against a registry of event versions (`type@v`): the schema of the
 * entry's own version, then its upgrade to the current version of its type. Built from a registry
 * so that the upgrade path can be tested with versions that have not shipped yet.
 *
 * @since 0.1.0
 */
import { Predicate, Result, Schema, SchemaAST, SchemaIssue } from "effect"
import { SchemaJITCompiler } from "effect/schema"
import type { InvalidEntry, LogEntry } from "../Codec.js"
import type { Event } from "../Event.js"
import type { EventVersion } from "../EventVersions.js"
import { describeProblems, type FieldProblem, problemCode } from "../InvalidEvent.js"

type Decode = (
  u: unknown,
  options?: { errors?: "all" | "first" }
) => Result.Result<unknown, Schema.SchemaError>

interface Compiled {
  readonly type: string
  readonly v: number
  readonly guard: (u: unknown) => boolean
  readonly decode: Decode
  readonly upgrade: ((event: never) => Record<string, unknown>) | undefined
}

const toProblems = SchemaIssue.makeFormatterStandardSchemaV1()

const valueAt = (raw: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let cur = raw
  for (const key of path) {
    if (!Predicate.isObject(cur)) return undefined
    cur = (cur as Record<PropertyKey, unknown>)[key]
  }
  return cur
}

/**
 * ` (got 3)` for a number or boolean, ` (got null)`, else nothing: free text a caregiver typed
 * (names, reasons) must not travel in error messages.
 *
 * @internal
 */
export const got = (value: unknown): string =>
  typeof value === "number" || typeof value === "boolean"
    ? ` (got ${value})`
    : value === null
      ? " (got null)"
      : ""

const problemsOf = (error: Schema.SchemaError, raw: unknown): Array<FieldProblem> =>
  toProblems(error.issue).issues.map((issue) => {
    const path = (issue.path ?? []).map((k) =>
      typeof k === "object" ? String(k.key) : (k as string | number)
    )
    const missing = issue.message === "Missing key"
    const message = missing
      ? "is required"
      : issue.message.replace(/^Expected (.*?)(, got .*)?$/s, (_m, what: string) =>
          what.includes(" | ")
            ? `must be one of ${what}`
            : /^(string|number|boolean|object|array)$/.test(what)
              ? `must be ${what === "array" || what === "object" ? "an" : "a"} ${what}`
              : `must be ${what}`
        )
    return {
      path,
      message: missing ? message : message + got(valueAt(raw, path)),
      code: problemCode(message)
    }
  })

const idOf = (raw: unknown): string | undefined =>
  Predicate.isObject(raw) && typeof (raw as { id?: unknown }).id === "string"
    ? (raw as { id: string }).id
    : undefined

const invalid = (
  raw: unknown,
  type: string | undefined,
  problems: ReadonlyArray<FieldProblem>
): InvalidEntry => ({
  _tag: "InvalidEntry",
  id: idOf(raw),
  type,
  problems,
  reason: describeProblems(type, problems),
  raw
})

/**
 * A decoder over a registry. Throws at once (a programming error in the registry) when a type has
 * no current version or two, or an old version has no upgrade.
 *
 * @internal
 */
export const makeEntryDecoder = (
  versions: Readonly<Record<string, EventVersion>>
): ((raw: unknown) => LogEntry) => {
  const byType = new Map<string, Map<number, Compiled>>()
  const currentOf = new Map<string, Compiled>()
  for (const [key, version] of Object.entries(versions)) {
    if (key !== `${version.type}@${version.v}`)
      throw new Error(`event version ${key} is registered as ${version.type}@${version.v}`)
    // Effect's own compiled guards and decoders (the schemas stay the only definition of
    // validity; this only changes how they run). Where `new Function` is blocked, such as under
    // a strict Content-Security-Policy, Schema keeps interpreting them.
    SchemaJITCompiler.enable(SchemaAST.toType(version.schema.ast))
    const compiled: Compiled = {
      type: version.type,
      v: version.v,
      guard: Schema.is(version.schema),
      decode: Schema.decodeUnknownResult(version.schema as Schema.Codec<unknown, unknown>) as Decode,
      upgrade: version.upgrade
    }
    let versionsOfType = byType.get(version.type)
    if (versionsOfType === undefined) {
      versionsOfType = new Map()
      byType.set(version.type, versionsOfType)
    }
    versionsOfType.set(version.v, compiled)
    if (version.upgrade === undefined) {
      if (currentOf.has(version.type)) throw new Error(`event type ${version.type} has two current versions`)
      currentOf.set(version.type, compiled)
    }
  }
  for (const type of byType.keys()) {
    if (!currentOf.has(type))
      throw new Error(`event type ${type} has no current version (one without upgrade)`)
  }

  const check = (version: Compiled, raw: unknown): Event | InvalidEntry => {
    // Fast path: a valid event needs no transformation, so the type guard is enough.
    if (version.guard(raw)) return raw as Event
    const result = version.decode(raw, { errors: "all" })
    if (Result.isSuccess(result)) return result.success as Event
    return invalid(raw, version.type, problemsOf(result.failure, raw))
  }

  return (raw) => {
    if (!Predicate.isObject(raw) || Array.isArray(raw)) {
      return invalid(raw, undefined, [{ path: [], message: "must be a JSON object", code: "type" }])
    }
    // Only own properties count: an object whose fields come from its prototype (a decoder that
    // assigned a "__proto__" key) would validate, yet show nothing when exported as JSON.
    const proto = Object.getPrototypeOf(raw)
    if (proto !== Object.prototype && proto !== null) {
      return invalid(raw, undefined, [
        { path: [], message: "must be a plain JSON object with its fields as own properties", code: "type" }
      ])
    }
    const { type, v } = raw as { type?: unknown; v?: unknown }
    if (typeof type !== "string" || type.length === 0) {
      return invalid(raw, undefined, [
        { path: ["type"], message: "must be a non-empty string naming the event type", code: "type" }
      ])
    }
    const versionsOfType = byType.get(type)
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      return invalid(raw, versionsOfType === undefined ? undefined : type, [
        { path: ["v"], message: `must be a whole number of at least 1${got(v)}`, code: "version" }
      ])
    }
    const version = versionsOfType?.get(v)
    // A type, or a version of a known type, that this library does not read: kept verbatim.
    if (version === undefined) return { _tag: "UnknownEntry", id: idOf(raw), type, v, raw }
    const decoded = check(version, raw)
    if (version.upgrade === undefined || "_tag" in decoded) return decoded
    const upgraded = check(currentOf.get(type)!, version.upgrade(decoded as never))
    if (!("_tag" in upgraded)) return upgraded
    // An upgrade that does not give a valid current event is a bug in the library; the entry is
    // quarantined with the raw entry it came from, never lost.
    return invalid(
      raw,
      type,
      upgraded.problems.map((p) => ({
        path: p.path,
        message: `${p.message} after the upgrade from v${v}`,
        code: p.code
      }))
    )
  }
}
