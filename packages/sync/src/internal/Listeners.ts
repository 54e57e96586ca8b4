/**
 * The one policy for app listeners (`subscribe`, `onStatus`, `onPeers`, `onSessions`): every listener is called,
 * in the order it was added; one that throws is an app bug, reported to `onError` (by default
 * `console.error`), and neither stops the other listeners nor breaks the log.
 */

/** Which registration a throwing listener came from. */
export type ListenerSource =
  | "subscribe"
  | "onStatus"
  | "onPeers"
  | "onSessions"
  | "onFirstProjections"
  | "onCredential"

/** Where listener errors go. */
export type ReportError = (error: unknown, source: ListenerSource) => void

/** The default: the platform's error console, which browsers and Node both show. */
export const consoleReport: ReportError = (error, source) => {
  console.error(`@relactation/sync: a ${source} listener threw`, error)
}

/** Wraps a reporter so that a throwing `onError` itself still reaches the console. */
export const safeReport =
  (report: ReportError): ReportError =>
  (error, source) => {
    try {
      report(error, source)
    } catch (reportFailure) {
      consoleReport(reportFailure, source)
      consoleReport(error, source)
    }
  }

/** A set of listeners of one kind. */
export interface Listeners<A> {
  readonly add: (listener: (value: A) => void) => () => void
  readonly emit: (value: A) => void
  readonly clear: () => void
}

/** Makes a listener set whose errors go to `report`, tagged with `source`. */
export const make = <A>(source: ListenerSource, report: ReportError): Listeners<A> => {
  const listeners = new Set<(value: A) => void>()
  return {
    add: (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    emit: (value) => {
      // A copy: a listener may unsubscribe itself (or another) while being called.
      for (const listener of [...listeners]) {
        try {
          listener(value)
        } catch (error) {
          report(error, source)
        }
      }
    },
    clear: () => listeners.clear()
  }
}
