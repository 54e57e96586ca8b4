/**
 * Every size knob of the reliability suite, in one place. `RELIABILITY_SIZE=ci` picks a size that
 * fits CI's budget (about four minutes for the whole suite on two cores); anything else is the full
 * size a person runs before a release (about ten minutes).
 */

export type SizeName = "ci" | "full"

export const sizeName: SizeName = process.env.RELIABILITY_SIZE === "ci" ? "ci" : "full"

const pick = <T>(ci: T, full: T): T => (sizeName === "ci" ? ci : full)

export const size = {
  crash: {
    logs: 10,
    clientsPerLog: 2,
    /** SIGKILLs at random moments while clients write. */
    randomKills: pick(5, 8),
    /** SIGKILLs right after the relay logged a compaction (more compactions follow at once). */
    compactionKills: pick(3, 6),
    /** Pause between one client's appends, in milliseconds (jittered). */
    appendEveryMs: pick(120, 60),
    /** Running time between two kills, in milliseconds (uniform in [min, max]). */
    killAfterMs: pick([1_000, 3_000] as const, [1_500, 5_000] as const),
    /** Compaction threshold given to the relay so that compactions happen all the time. */
    compactAfterUpdates: 25
  },
  hostileFrames: {
    /** fast-check runs per attack property. */
    runs: pick(40, 200),
    /** Awareness messages sent by the flooding connection. */
    awarenessFlood: pick(1_500, 10_000),
    /** Relay memory cap for the whole scenario, in MiB of resident memory. */
    maxRssMiB: 400
  },
  hostileEntries: {
    /** Honest appends per honest client while the hostile one writes. */
    honestEvents: pick(100, 400)
  },
  access: {
    /** Wrong tokens sent from one address, at about a hundred a second. */
    wrongTokens: pick(200, 600)
  },
  load: {
    clients: pick(200, 1_000),
    logs: pick(100, 500),
    durationMs: pick(30_000, 120_000),
    /** Appends per second over the whole relay. */
    writesPerSecond: pick(100, 250),
    /** Memory samples taken during the run (thirds are compared after warm-up). */
    samples: pick(30, 60)
  },
  longOffline: {
    /** Events written by the offline phone during its month away. */
    offlineEvents: pick(1_200, 3_000),
    /** Events written meanwhile by the phone that stayed online. */
    onlineEvents: pick(600, 1_500)
  },
  clock: {
    eventsPerPhone: pick(60, 200)
  },
  postgresOutage: {
    logs: pick(5, 10),
    /** Pause between one client's appends, in milliseconds (jittered). */
    appendEveryMs: pick(200, 100),
    /** Postgres outages, in order: `fast` is a clean stop, `immediate` a crash (WAL recovery). */
    outages: pick(
      [
        { mode: "fast", ms: 10_000 },
        { mode: "immediate", ms: 3_000 }
      ] as const,
      [
        { mode: "fast", ms: 10_000 },
        { mode: "immediate", ms: 3_000 },
        { mode: "fast", ms: 10_000 },
        { mode: "immediate", ms: 5_000 }
      ] as const
    ),
    /** Running time before each outage, in milliseconds (uniform in [min, max]). */
    runBeforeMs: [1_000, 3_000] as const
  },
  /** Three relay processes on Postgres and Redis behind nginx (issue 14). */
  cluster: {
    logs: 10,
    /** Pause between one phone's appends, in milliseconds (jittered). */
    appendEveryMs: pick(150, 80),
    /** Writing time between two disruptions, in milliseconds. */
    phaseMs: pick(1_500, 4_000),
    /** How long Redis keeps cutting the subscribers. */
    dropMs: pick(500, 1_500),
    /** How long Redis is down when restarted. */
    redisDownMs: pick(1_000, 3_000),
    /** How long phones of one log on two processes may take to hold each other's events after Redis. */
    bridgeMs: 10_000
  }
} as const
