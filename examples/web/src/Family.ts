// The app's view of one family log: opening it from a link, re-rendering when anything changes
// (a new event, the connection status, the other phone's presence), and the small readings the
// screens need that are not projections (who is called what, which entries were retracted).
import { type Child, type Current, current, type DayEvent, type Event, isDayEvent } from "@relactation/core"
import { type EventLog, joinLog, openLog, type ProjectionOptions } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import { type Link, openKey, type Settings, saveLink } from "./Link.js"

/** The projection options for these settings and (when set) the child's profile. */
export const projectionOptions = (settings: Settings, link: Link, child?: Child): ProjectionOptions => ({
  timeZone: settings.timeZone,
  dayStartHour: settings.dayStartHour,
  night: { start: settings.nightStart, end: settings.nightEnd },
  child: link.child,
  ...(child?.birthDate === undefined ? {} : { birthDate: child.birthDate }),
  ...(child?.sex === undefined ? {} : { sex: child.sex })
})

/**
 * A link from an invite carries a join token: exchanged once at the relay for this phone's own
 * credential, which replaces it in storage (so the URL in the browser's history is spent).
 */
export const redeemJoin = async (link: Link): Promise<Link> => {
  if (link.join === undefined || link.token !== "") return link
  const credential = await joinLog({ url: link.relay, logId: link.log, joinToken: link.join })
  const { join: _spent, ...rest } = link
  const redeemed = { ...rest, token: credential.token }
  saveLink(redeemed)
  return redeemed
}

/** Opens (or re-opens) the log the link names; resolves once this phone's own copy is loaded. */
export const openFamily = (link: Link, settings: Settings): Promise<EventLog> =>
  openLog({
    logId: link.log,
    caregiver: link.caregiver,
    child: link.child,
    url: link.relay,
    token: link.token,
    // An invite key (after a removal) seals with the current epoch from the first entry.
    ...(openKey(link) === undefined ? {} : { key: openKey(link)! }),
    // The log renews this phone's credential by itself; keep the new one for the next start.
    onCredential: (credential) => saveLink({ ...link, token: credential.token }),
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

// The rules (which entries a retraction removes, which profile is the latest in force) are core's:
// `current` applies them once per version of the log, so every screen reads the same answer.
const currents = new WeakMap<ReadonlyArray<Event>, Current>()
const currentOf = (events: ReadonlyArray<Event>): Current => {
  let found = currents.get(events)
  if (found === undefined) {
    found = current(events)
    currents.set(events, found)
  }
  return found
}

/** Ids of events that a retraction in force cancels (a retraction of a retraction is ignored). */
export const retracted = (events: ReadonlyArray<Event>): ReadonlySet<string> => currentOf(events).retracted

/** Latest display name in force per caregiver id. */
export const caregiverNames = (events: ReadonlyArray<Event>): ReadonlyMap<string, string> =>
  new Map([...currentOf(events).caregivers].map(([by, profile]) => [by, profile.name]))

/** The latest profile of a child in force (the one before, when the latest was retracted). */
export const childProfile = (events: ReadonlyArray<Event>, child: string): Child | undefined =>
  currentOf(events).children.get(child)

/** Entries a caregiver sees in a list: facts about the baby, not profiles or retractions. */
export type Entry = DayEvent

export const isEntry = isDayEvent

/** Current entries (not retracted), newest first. */
export const currentEntries = (events: ReadonlyArray<Event>): Array<Entry> =>
  currentOf(events).entries.slice().reverse()
