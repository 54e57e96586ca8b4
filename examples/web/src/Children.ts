// The family's children (twins, or a baby and an older sibling still nursing): every child the log
// names, which one this phone shows (kept on this phone; totals, history and exports are that
// child's), and the switch between them. A latch logged "for both" is one entry per child.
import { type Event, uuidv7From } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { useEffect, useRef, useState } from "preact/hooks"
import { childProfile, projectionOptions } from "./Family.js"
import { t } from "./I18n.js"
import { html } from "./html.js"
import type { Link, Settings } from "./Link.js"

const CHILD_KEY = "relactation:child"

/** A child of the family: its id and its name, when its profile has one. */
export interface ChildInfo {
  readonly id: string
  readonly name: string | undefined
}

const lists = new WeakMap<ReadonlyArray<Event>, ReadonlyArray<string>>()

/** Every child id the log names (profiles, entries, caregivers' events), in order of first appearance. */
const childIds = (events: ReadonlyArray<Event>): ReadonlyArray<string> => {
  let ids = lists.get(events)
  if (ids === undefined) {
    ids = [...new Set(events.map((e) => e.child))]
    lists.set(events, ids)
  }
  return ids
}

/** The family's children, this phone's link child first when the log does not name it yet. */
export const childrenOf = (events: ReadonlyArray<Event>, link: Link): ReadonlyArray<ChildInfo> => {
  const ids = childIds(events)
  return (ids.includes(link.child) ? ids : [link.child, ...ids]).map((id) => ({
    id,
    name: childProfile(events, id)?.name
  }))
}

/** A child's name, or "Child 2" (its place in the list) while it has no profile. */
export const childName = (children: ReadonlyArray<ChildInfo>, id: string): string => {
  const i = children.findIndex((c) => c.id === id)
  return children[i]?.name ?? t("children.unnamed", { n: i < 0 ? children.length + 1 : i + 1 })
}

/** "Mia and Noah" (or "Mia, Noah and Lea"), in the current language. */
export const allNames = (children: ReadonlyArray<ChildInfo>): string => {
  const names = children.map((c) => childName(children, c.id))
  return names.length < 2
    ? (names[0] ?? "")
    : t("children.andNames", { names: names.slice(0, -1).join(", "), last: names.at(-1) ?? "" })
}

/** The child this phone shows: the one chosen here before, if the log still names it. */
export const loadShownChild = (events: ReadonlyArray<Event>, link: Link): string => {
  const kept = localStorage.getItem(CHILD_KEY)
  return kept !== null && childrenOf(events, link).some((c) => c.id === kept) ? kept : link.child
}

const shownListeners = new Set<(child: string) => void>()

/** Shows this child on this phone from now on (every screen follows). */
export const showChild = (child: string): void => {
  localStorage.setItem(CHILD_KEY, child)
  for (const listener of shownListeners) listener(child)
}

/**
 * The child this phone shows, following `showChild`; the log's projections (totals, weight trend,
 * progress) are rebuilt for the child on each switch.
 */
export const useShownChild = (log: EventLog, link: Link, settings: Settings): string => {
  const [shown, setShown] = useState(() => loadShownChild(log.events, link))
  useEffect(() => {
    shownListeners.add(setShown)
    return () => {
      shownListeners.delete(setShown)
    }
  }, [])
  const first = useRef(true)
  useEffect(() => {
    // The first time, main.ts set them already (before the first render).
    if (first.current) {
      first.current = false
      return
    }
    log.setProjectionOptions(
      projectionOptions(settings, { ...link, child: shown }, childProfile(log.events, shown))
    )
  }, [log, shown])
  return shown
}

// FNV-1a of `text` with a counter: deterministic numbers in [0, 1) for a derived id.
const stream = (text: string): (() => number) => {
  let n = 0
  return () => {
    let h = (0x811c9dc5 ^ ++n) >>> 0
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    return (h >>> 0) / 2 ** 32
  }
}

/**
 * The id of a twin's copy of a timed latch: derived from the latch's id and the twin, so every
 * phone that records the copy records the same entry (the log is a set keyed by id).
 */
export const twinEventId = (latch: { readonly id: string; readonly at: string }, child: string): string =>
  uuidv7From(Date.parse(latch.at), stream(`twin:${latch.id}|${child}`))

/** The switch between children, in the header, when the family has more than one. */
export function ChildSwitch(props: {
  children: ReadonlyArray<ChildInfo>
  shown: string
  onChange: (child: string) => void
}) {
  const { children, shown } = props
  if (children.length < 2) return null
  return html`<div class="child-switch">
    <label for="child-shown">${t("children.shown")}</label>
    <select id="child-shown" onChange=${(e: { currentTarget: { value: string } }) => props.onChange(e.currentTarget.value)}>
      ${children.map((c) => html`<option value=${c.id} selected=${c.id === shown}>${childName(children, c.id)}</option>`)}
    </select>
  </div>`
}
