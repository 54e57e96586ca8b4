/**
 * The options of `openLog`: where the log lives, who records, how its projections are counted,
 * and how it reports what it cannot handle itself.
 *
 * @since 0.1.0
 */
import type { DailyTotals, Event, RelactationProgress, WeightTrend } from "@relactation/core"
import type { DeviceCredential, Fetch } from "./Devices.js"
import type * as Listeners from "./internal/Listeners.js"
import type { PersistenceOption } from "./Persistence.js"

/**
 * Options shared by the three live projections.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProjectionOptions {
  /** IANA time zone the days are counted in. */
  readonly timeZone: string
  /** Local hour a day starts at; default 0. */
  readonly dayStartHour?: number
  /** Night window in local hours; default 22–6. */
  readonly night?: { readonly start: number; readonly end: number }
  /** Only this child's events; default every child. */
  readonly child?: string
  /** For the weight trend's WHO bands. */
  readonly birthDate?: string
  readonly sex?: "female" | "male"
}

/**
 * Options of {@link openLog}.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenLogOptions {
  /** 8–64 of `[A-Za-z0-9_-]`: the room name at the relay. */
  readonly logId: string
  /** This caregiver's id: fills `by` on drafts. */
  readonly caregiver: string
  /** Default child id for drafts (and sessions) that omit it. */
  readonly child?: string
  /** Relay base URL such as `wss://relay.example.org`; with `token` the log connects. */
  readonly url?: string
  /** This device's relay credential (from `joinLog`), or an older family token. */
  readonly token?: string
  /**
   * The family key (`generateFamilyKey()`): opens a **sealed** log, whose entries and presence the
   * relay cannot read. Without it the log is plaintext, as before. Never send it to the relay: it
   * travels between a family's devices only (invite link fragment, recovery words). An invite key
   * from `log.invite()` (`e1.…`: the family key and the later key epochs) is taken too: the log
   * then seals with the newest of those epochs from its first append.
   *
   * @since 0.2.0
   */
  readonly key?: string
  /**
   * Called with every renewed credential, for the app to store it in place of the old one (the log
   * renews by itself once less than `renewBeforeMs` is left). With it, an older family token (`v1`)
   * is also exchanged at once for a credential of this device's own.
   */
  readonly onCredential?: (credential: DeviceCredential) => void
  /** Renew the credential once less than this is left (ms); default 10 days. */
  readonly renewBeforeMs?: number
  /** `fetch` for the relay's HTTP requests (renew, devices); default the global one. */
  readonly fetch?: Fetch
  /** Default: `indexeddb` in browsers, `memory` elsewhere. */
  readonly persistence?: PersistenceOption
  readonly projections: ProjectionOptions
  /** Display name shown to the other devices. */
  readonly presence?: { readonly name?: string }
  /** Pass `WebSocket` from `ws` in Node 20 (which has no global WebSocket). */
  readonly WebSocketPolyfill?: unknown
  /** Injected clock (tests); default `Date.now`. */
  readonly now?: () => number
  /** Injected randomness (ids, reconnect jitter); default `Math.random`. */
  readonly random?: () => number
  /** Cross-tab sync through BroadcastChannel; default on in browsers, off elsewhere. */
  readonly broadcastChannel?: boolean
  /** Upper bound of the (jittered, exponential) reconnect delay; default 5000 ms. */
  readonly maxReconnectDelayMs?: number
  /**
   * Where an exception thrown by an app listener (`subscribe`, `onStatus`, `onPeers`) goes; default
   * `console.error`. A throwing listener never stops the other listeners or the log.
   */
  readonly onError?: (error: unknown, source: ListenerSource) => void
  /**
   * The local checkpoint (with `indexeddb`, `file` and custom adapters that keep one): written when
   * the log has been idle `idleMs` (default 2000) after a change, after `everyEntries` (default
   * 1000) new entries, and on close; `false` neither reads nor writes it.
   */
  readonly checkpoint?: false | { readonly idleMs?: number; readonly everyEntries?: number }
  /**
   * Called once, before `openLog` resolves and before the document is loaded, with the
   * projections of the local checkpoint, when there is one for these projection options. Not
   * called without a usable checkpoint. What it shows may be behind: `openLog` resolves with the
   * log as the whole document has it.
   */
  readonly onFirstProjections?: (first: FirstProjections) => void
  /** Running sessions: how long a device may be gone before its session shows as maybe forgotten. */
  readonly sessions?: {
    /** Default 300000 (5 minutes) after its device left presence. */
    readonly forgottenAfterMs?: number
  }
}

/**
 * What `onFirstProjections` gets: the events and projections of the local checkpoint.
 *
 * @since 0.1.0
 * @category models
 */
export interface FirstProjections {
  /**
   * The checkpoint's events. A sealed log decrypts them after the document loads (the first
   * projections need only the checkpoint's small head): read before `openLog` resolves, this
   * throws an `Error` saying so; if they do not open (the checkpoint is ignored), it throws too.
   */
  readonly events: ReadonlyArray<Event>
  readonly dailyTotals: DailyTotals
  readonly weightTrend: WeightTrend
  readonly relactationProgress: RelactationProgress
}

/**
 * Which kind of listener threw (the second argument of `onError`).
 *
 * @since 0.1.0
 * @category models
 */
export type ListenerSource = Listeners.ListenerSource
