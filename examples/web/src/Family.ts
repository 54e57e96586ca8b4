// The app's view of one family log: opening it from a link, re-rendering when anything changes
// (a new event, the connection status, the other phone's presence), and the small readings the
// screens need that are not projections (who is called what, which entries were retracted).
import type { Child, Event } from "@relactation/core"
import { type EventLog, openLog, type ProjectionOptions } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import type { Link, Settings } from "./Link.js"

/** The projection options for these settings and (when set) the child's profile. */
export const projectionOptions = (settings: Settings, link: Link, child?: Child): ProjectionOptions => ({
  timeZone: settings.timeZone,
  dayStartHour: settings.dayStartHour,
  night: { start: settings.nightStart, end: settings.nightEnd },
  child: link.child,
  ...(child?.birthDate === undefined ? {} : { birthDate: child.birthDate }),
  ...(child?.sex === undefined ? {} : { sex: child.sex })
})

/** Opens (or re-opens) the log the link names; resolves once this phone's own copy is loaded. */
export const openFamily = (link: Link, settings: Settings): Promise<EventLog> =>
  openLog({
    logId: link.log,
    caregiver: link.caregiver,
    child: link.child,
    url: link.relay,
    token: link.token,
    projections: projectionOptions(settings, link),
    presence: link.name === undefined ? {} : { name: link.name }
  })

/** Re-renders the calling component on every change of the log, its status or its peers. */
export const useLog = (log: EventLog): number => {
  const [version, setVersion] = useState(0)
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1)
    const off = [log.subscribe(bump), log.onStatus(bump), log.onPeers(bump)]
    return () => {
      for (const f of off) f()
    }
  }, [log])
  return version
}

/** A clock that ticks every second while `active` (for running timers). */
export const useNow = (active: boolean): number => {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (!active) return
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [active])
  return active ? now : Date.now()
}

/** Ids of events that a retraction cancels (a retraction of a retraction is ignored). */
export const retracted = (events: ReadonlyArray<Event>): ReadonlySet<string> => {
  const targets = new Set<string>()
  for (const e of events) if (e.type === "retract") targets.add(e.target)
  return targets
}

/** Latest display name per caregiver id. */
export const caregiverNames = (events: ReadonlyArray<Event>): ReadonlyMap<string, string> => {
  const names = new Map<string, string>()
  // `events` is sorted by (at, id), so the last one seen wins.
  for (const e of events) if (e.type === "caregiver") names.set(e.by, e.name)
  return names
}

/** The latest profile of a child. */
export const childProfile = (events: ReadonlyArray<Event>, child: string): Child | undefined => {
  let latest: Child | undefined
  for (const e of events) if (e.type === "child" && e.child === child) latest = e
  return latest
}

/** Entries a caregiver sees in a list: facts about the baby, not profiles or retractions. */
export type Entry = Exclude<Event, { type: "retract" | "child" | "caregiver" }>

export const isEntry = (e: Event): e is Entry =>
  e.type !== "retract" && e.type !== "child" && e.type !== "caregiver"

/** Current entries (not retracted), newest first. */
export const currentEntries = (events: ReadonlyArray<Event>): Array<Entry> => {
  const gone = retracted(events)
  const out: Array<Entry> = []
  for (const e of events) if (isEntry(e) && !gone.has(e.id)) out.push(e)
  return out.reverse()
}
