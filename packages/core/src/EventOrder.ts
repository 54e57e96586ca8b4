/**
 * The one order of events: by the instant `at` names, exactly (sub-millisecond fractions
 * included), then by `id`. "Latest wins" for profiles, the weigh-ins of a weight trend and the
 * order a log lists its events in all use it, so an app and the library never disagree on which
 * event came last.
 *
 * @since 0.1.0
 */

/** `YYYY-MM-DDTHH:MM:SS`: the part of an instant before its optional fraction. */
const WHOLE = 19

// The shape every `at` has once validated: `YYYY-MM-DDTHH:MM:SS` then `Z` or `.digits Z`.
const shaped = (s: string): boolean => {
  const n = s.length
  if (n < WHOLE + 1 || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(10) !== 84) return false
  if (n === WHOLE + 1) return true
  if (s.charCodeAt(WHOLE) !== 46 || n === WHOLE + 2) return false
  for (let i = WHOLE + 1; i < n - 1; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0)
const text = (a: string, b: string): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Compares two ISO-8601 UTC instants exactly: `-1` when `a` is earlier, `1` when later, `0` when
 * both name the same instant (`…00.5Z` and `…00.500Z` do). Fractions are compared digit by digit,
 * so `…00.0009Z` is later than `…00.0001Z` although `Date.parse` gives both the same millisecond.
 * Strings that are not of the event shape (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`) are compared by
 * `Date.parse`, then as text, so the result is still a total order.
 *
 * @since 0.1.0
 * @category ordering
 */
export const compareInstants = (a: string, b: string): -1 | 0 | 1 => {
  if (a === b) return 0
  if (!shaped(a) || !shaped(b)) {
    const d = Date.parse(a) - Date.parse(b)
    return Number.isNaN(d) ? text(a, b) : sign(d)
  }
  // Same length and shape: the same number of fraction digits, so text order is time order.
  if (a.length === b.length) return text(a, b)
  const whole = text(a.slice(0, WHOLE), b.slice(0, WHOLE))
  if (whole !== 0) return whole
  // The fractions without `.` and `Z`, padded with zeros to the same length.
  const fa = a.slice(WHOLE + 1, -1)
  const fb = b.slice(WHOLE + 1, -1)
  const width = Math.max(fa.length, fb.length)
  return text(fa.padEnd(width, "0"), fb.padEnd(width, "0"))
}

/**
 * The order of events: by `at` (exactly, see {@link compareInstants}), then by `id`. Two distinct
 * events never compare equal, since ids are unique; the last of a sorted list is the latest, the
 * one "latest wins" picks. Use it to sort: `events.slice().sort(compareEvents)`.
 *
 * @example
 * ```ts
 * import { compareEvents } from "@relactation/core"
 *
 * const a = { at: "2027-03-28T01:30:00.0009Z", id: "01951e5a-7c00-7a3b-9c1d-000000000001" }
 * const b = { at: "2027-03-28T01:30:00.0001Z", id: "01951e5a-7c00-7a3b-9c1d-000000000002" }
 * compareEvents(a, b) // 1: a is later, although both fall on the same millisecond
 * ```
 *
 * @since 0.1.0
 * @category ordering
 */
export const compareEvents = (
  a: { readonly at: string; readonly id: string },
  b: { readonly at: string; readonly id: string }
): -1 | 0 | 1 => {
  const c = compareInstants(a.at, b.at)
  if (c !== 0) return c
  const i = text(a.id, b.id)
  // Same instant and id written two ways (`.5Z` / `.500Z`): still a strict order of the pairs.
  return i !== 0 ? i : text(a.at, b.at)
}

/**
 * Whether `a` comes after `b` by {@link compareEvents}: `a` wins "latest wins" against `b`.
 *
 * @since 0.1.0
 * @category ordering
 */
export const isLaterEvent = (
  a: { readonly at: string; readonly id: string },
  b: { readonly at: string; readonly id: string }
): boolean => compareEvents(a, b) > 0

/**
 * The first index of a sorted list whose item is not before `item` (`compare(list[i], item) >= 0`):
 * where `item` is, or where it goes to keep the list sorted. The one binary search of the
 * library; the event order, the days of a projection and a log's event list all use it.
 *
 * @since 0.1.0
 * @category ordering
 */
export const lowerBound = <A, B>(
  list: ReadonlyArray<A>,
  item: B,
  compare: (a: A, b: B) => number
): number => {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare(list[mid]!, item) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
