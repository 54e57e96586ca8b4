/**
 * The child's latest profile, by the rule every core projection uses for profiles: the latest by
 * (`at`, `id`) wins, a retracted profile falls back to the next latest, a retraction of a
 * retraction is ignored. Core exposes the birth date and sex it picks (through `weightTrend`) but
 * not the name, so the report reads the profile here; a property test checks that it picks the
 * same profile as `weightTrend` does.
 */
import { type Child, type Event, isEvent, type LogEntry } from "@relactation/core"

const later = (a: Child, b: Child): boolean => {
  const ta = Date.parse(a.at)
  const tb = Date.parse(b.at)
  return ta !== tb ? ta > tb : a.id > b.id
}

/** @internal the latest profile of `child`, or undefined when none counts */
export const latestChildProfile = (entries: ReadonlyArray<LogEntry>, child: string): Child | undefined => {
  const seen = new Map<string, Event>()
  for (const entry of entries) if (isEvent(entry) && !seen.has(entry.id)) seen.set(entry.id, entry)
  const retracted = new Set<string>()
  for (const e of seen.values()) {
    if (e.type !== "retract") continue
    // A retraction naming a retraction is ignored.
    if (seen.get(e.target)?.type !== "retract") retracted.add(e.target)
  }
  let latest: Child | undefined
  for (const e of seen.values()) {
    if (e.type !== "child" || e.child !== child || retracted.has(e.id)) continue
    if (latest === undefined || later(e, latest)) latest = e
  }
  return latest
}
