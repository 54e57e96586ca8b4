// The local checkpoint: opening with it gives exactly the log a full rebuild gives, after random
// appends, retractions, remote merges (foreign edits included) and option changes; a corrupt,
// truncated, foreign, stale or ahead-of-the-document checkpoint is ignored or only partly used,
// never trusted over the document. The seed is printed; FC_SEED replays it, FC_RUNS sets rounds.
import { spawn } from "node:child_process"
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  dailyTotals,
  type Draft,
  decodeEntry,
  encodeEvent,
  makeSync,
  relactationProgress,
  weightTrend
} from "@relactation/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import * as Y from "yjs"
import {
  type EventLog,
  FilePersistence,
  type FirstProjections,
  type OpenLogOptions,
  openLog,
  type PersistenceAdapter,
  type ProjectionOptions
} from "../src/node.js"
import { openLogWith } from "../src/EventLog.js"
import { prng, runs, seedFor } from "./helpers.js"

const LOG = "family-checkpoint-1"
const WRITER = fileURLToPath(new URL("./fixtures/checkpointWriter.ts", import.meta.url))
let dir = ""
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-checkpoint-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const optionChoices: ReadonlyArray<ProjectionOptions> = [
  { timeZone: "Europe/Berlin" },
  { timeZone: "Europe/Berlin", dayStartHour: 6 },
  { timeZone: "America/New_York", night: { start: 21, end: 5 } },
  { timeZone: "Asia/Tokyo", child: "baby-2", birthDate: "2027-01-05", sex: "female" }
]

/** The file adapter, with a handle on the document it loads into (to merge remote updates). */
const fileWithDoc = (path: string) => {
  const file = FilePersistence.adapter(path)
  const state: { doc: Y.Doc | undefined } = { doc: undefined }
  const adapter: PersistenceAdapter = {
    kind: "file",
    checkpoints: file.checkpoints!,
    open: (logId, doc) => {
      state.doc = doc
      return file.open(logId, doc)
    }
  }
  return { adapter, state }
}

/** What a log shows, to compare two opens. */
const view = (log: EventLog) => ({
  events: log.events,
  problems: log.problems,
  dailyTotals: log.dailyTotals,
  weightTrend: log.weightTrend,
  relactationProgress: log.relactationProgress
})

const expectBatch = (log: EventLog, options: ProjectionOptions): void => {
  const entries = (JSON.parse(log.exportJson()) as Array<unknown>).map((raw) => decodeEntry(raw))
  const day = {
    timeZone: options.timeZone,
    ...(options.dayStartHour === undefined ? {} : { dayStartHour: options.dayStartHour }),
    ...(options.night === undefined ? {} : { night: options.night }),
    ...(options.child === undefined ? {} : { child: options.child })
  }
  const weight = {
    ...(options.child === undefined ? {} : { child: options.child }),
    ...(options.birthDate === undefined ? {} : { birthDate: options.birthDate }),
    ...(options.sex === undefined ? {} : { sex: options.sex })
  }
  expect(log.dailyTotals).toEqual(dailyTotals(entries, day))
  expect(log.weightTrend).toEqual(weightTrend(entries, weight))
  expect(log.relactationProgress).toEqual(relactationProgress(entries, day))
}

type Tamper = "none" | "truncate" | "corrupt" | "foreign" | "stale" | "ahead" | "delete" | "edited" | "grown"
const tampers: ReadonlyArray<Tamper> = [
  "none",
  "grown",
  "grown",
  "grown",
  "none",
  "none",
  "truncate",
  "corrupt",
  "foreign",
  "stale",
  "ahead",
  "delete",
  "edited",
  "edited"
]

const open = (path: string, options: ProjectionOptions, extra: Partial<OpenLogOptions> = {}) =>
  openLog({
    logId: LOG,
    caregiver: "parent-a",
    persistence: { kind: "file", path },
    projections: options,
    ...extra
  })

describe("local checkpoint", () => {
  it("open with the checkpoint equals a full rebuild, after random changes and damaged checkpoints", async () => {
    const seed = seedFor("checkpoint")
    const random = prng(seed)
    const int = (n: number) => Math.floor(random() * n)
    const rounds = runs(24)
    const path = join(dir, "log.ylog")
    const checkpointPath = `${path}.checkpoint`
    let t = Date.parse("2027-03-01T08:00:00.000Z")
    let options = optionChoices[0]!
    const remote = new Y.Doc()
    const remoteMap = remote.getMap<unknown>("events")
    let previousCheckpoint: Buffer | undefined
    let previousLog: Buffer | undefined
    // What the previous close left, and whether this open must show it first.
    let closed: ReturnType<typeof view> | undefined
    let expectFirst: "exactly" | "none" | "any" = "none"
    let expectFrom: string | undefined
    for (let round = 0; round < rounds; round++) {
      const what = `round ${round} (FC_SEED=${seed})`
      const { adapter, state } = fileWithDoc(path)
      const first: Array<FirstProjections> = []
      const from: Array<string> = []
      const log = await openLogWith(
        {
          logId: LOG,
          caregiver: "parent-a",
          child: "baby-1",
          persistence: { kind: "custom", adapter },
          projections: options,
          now: () => t,
          random: prng(seed + round),
          onFirstProjections: (p) => first.push(p)
        },
        undefined,
        { projectionsFrom: (f) => from.push(f) }
      )
      // Which path the open took: the checkpoint's results when nothing was added, its state
      // plus only the new entries when another phone's entries arrived while it was closed.
      if (expectFrom !== undefined) expect(from, what).toEqual([expectFrom])
      if (expectFirst === "exactly") {
        expect(first, what).toHaveLength(1)
        const [shown] = first
        expect(
          { events: shown!.events, dailyTotals: shown!.dailyTotals, weightTrend: shown!.weightTrend },
          what
        ).toEqual({
          events: closed!.events,
          dailyTotals: closed!.dailyTotals,
          weightTrend: closed!.weightTrend
        })
        expect(shown!.relactationProgress, what).toEqual(closed!.relactationProgress)
      }
      if (expectFirst === "none") expect(first, what).toEqual([])

      // Whatever the checkpoint was, the open log is exactly a full rebuild of the file.
      await copyFile(path, join(dir, "rebuild.ylog"))
      const rebuilt = await open(join(dir, "rebuild.ylog"), options, { checkpoint: false })
      expect(view(log), what).toEqual(view(rebuilt))
      await rebuilt.close()
      await rm(join(dir, "rebuild.ylog"), { force: true })
      expectBatch(log, options)

      const steps = 5 + int(25)
      for (let step = 0; step < steps; step++) {
        t += int(90) * 60_000
        const at = new Date(t - int(72) * 3_600_000).toISOString()
        const roll = random()
        const child = random() < 0.8 ? "baby-1" : "baby-2"
        if (roll < 0.45) {
          const kind = int(3)
          await log.append(
            kind === 0
              ? { type: "latch", at, child, durationSec: 60 + int(1500), side: "left" }
              : kind === 1
                ? { type: "supplement", at, child, ml: 5 + int(60), milk: "formula", via: "sns" }
                : // One child's weigh-ins: core's weightTrend refuses to pool several children's.
                  { type: "weigh-in", at, child: "baby-1", grams: 3000 + int(900) }
          )
        } else if (roll < 0.55) {
          const target = log.events[int(log.events.length)]
          if (target !== undefined) await log.retract(target.id)
        } else if (roll < 0.8) {
          // A remote merge: another phone's event, sometimes entries this version skips.
          const event = makeSync(
            {
              type: "pump",
              at,
              child,
              by: "parent-b",
              durationSec: 600,
              method: "electric",
              totalMl: int(90)
            },
            { now: () => t, random }
          )
          remote.transact(() => {
            remoteMap.set(event.id, encodeEvent(event))
            if (random() < 0.2)
              remoteMap.set(`bad-${round}-${step}`, { type: "latch", v: 1, durationSec: -1 })
            if (random() < 0.1) remoteMap.set(`future-${round}-${step}`, { id: "x", type: "nap", v: 9, at })
          })
          Y.applyUpdate(state.doc!, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(state.doc!)), "remote")
          Y.applyUpdate(remote, Y.encodeStateAsUpdate(state.doc!, Y.encodeStateVector(remote)), "remote")
        } else if (roll < 0.85) {
          // A foreign writer changes or deletes an entry.
          const keys = [...remoteMap.keys()]
          const key = keys[int(keys.length)]
          if (key !== undefined) {
            remote.transact(() => {
              if (random() < 0.5) remoteMap.delete(key)
              else remoteMap.set(key, { ...(remoteMap.get(key) as object), totalMl: 1 })
            })
            Y.applyUpdate(
              state.doc!,
              Y.encodeStateAsUpdate(remote, Y.encodeStateVector(state.doc!)),
              "remote"
            )
          }
        } else if (roll < 0.9) {
          options = optionChoices[int(optionChoices.length)]!
          log.setProjectionOptions(options)
        }
      }
      // The live projections after the changes (folded into a restored state or not) are the
      // batch projections of what the log holds.
      expectBatch(log, options)
      closed = view(log)
      await log.close() // writes the checkpoint

      // Between opens: maybe other options, maybe a damaged checkpoint.
      const closedWith = options
      const sameOptions = random() < 0.7
      if (!sameOptions) options = optionChoices[int(optionChoices.length)]!
      // The next options may be drawn equal to those the checkpoint was written with.
      const checkpointOptions = JSON.stringify(closedWith) === JSON.stringify(options)
      const tamper = tampers[int(tampers.length)]!
      const current = await readFile(checkpointPath)
      const currentLog = await readFile(path)
      if (tamper === "truncate") await writeFile(checkpointPath, current.subarray(0, int(current.length)))
      if (tamper === "corrupt") {
        const broken = Buffer.from(current)
        const i = 12 + int(broken.length - 12)
        broken[i] = broken[i]! ^ 0x20
        await writeFile(checkpointPath, broken)
      }
      if (tamper === "foreign") {
        // An intact checkpoint, of another log.
        const other = join(dir, "other.ylog")
        const log2 = await openLog({
          logId: "family-other-9",
          caregiver: "parent-c",
          child: "baby-1",
          persistence: { kind: "file", path: other },
          projections: options,
          random: prng(seed + 100 + round)
        })
        await log2.append({ type: "weigh-in", grams: 3100 + int(500) })
        await log2.close()
        await copyFile(`${other}.checkpoint`, checkpointPath)
      }
      if (tamper === "edited") {
        // While the log is closed, a foreign writer's change of an existing entry (and maybe a
        // deletion) reaches the file: the checkpoint's decoding of those keys must not be used.
        const doc = new Y.Doc()
        Y.applyUpdate(doc, Y.mergeUpdates(FilePersistence.decodeRecords(currentLog).updates))
        const events = doc.getMap<unknown>("events")
        const keys = [...events.keys()]
        const before = Y.encodeStateVector(doc)
        doc.transact(() => {
          const key = keys[int(keys.length)]
          if (key !== undefined) events.set(key, { ...(events.get(key) as object), durationSec: 7 })
          const gone = keys[int(keys.length)]
          if (gone !== undefined && random() < 0.5) events.delete(gone)
        })
        await writeFile(
          path,
          Buffer.concat([currentLog, FilePersistence.encodeRecord(Y.encodeStateAsUpdate(doc, before))])
        )
        doc.destroy()
      }
      if (tamper === "grown") {
        // While the log is closed, another phone's entries reach the file: new events, skipped
        // entries, retractions of old entries and of entries of the same batch. Nothing changed
        // or deleted, so the open takes the checkpoint's state and folds only these.
        const doc = new Y.Doc()
        Y.applyUpdate(doc, Y.mergeUpdates(FilePersistence.decodeRecords(currentLog).updates))
        const events = doc.getMap<unknown>("events")
        const ids = [...events.entries()]
          // Valid events only (not the skipped entries under other keys), and not retractions.
          .filter(([key, raw]) => {
            const r = raw as { id?: unknown; type?: unknown }
            return r.id === key && r.type !== "retract"
          })
          .map(([key]) => key)
        const before = Y.encodeStateVector(doc)
        const make = (draft: Record<string, unknown>) =>
          makeSync({ child: "baby-1", by: "parent-b", ...draft } as unknown as Draft, {
            now: () => t,
            random
          })
        doc.transact(() => {
          const fresh: Array<string> = []
          for (let i = 0, n = 1 + int(8); i < n; i++) {
            const at = new Date(t - int(96) * 3_600_000).toISOString()
            const e =
              random() < 0.7
                ? make({ type: "latch", at, durationSec: 60 + int(1500), side: "right" })
                : make({ type: "weigh-in", at, grams: 3000 + int(900) })
            events.set(e.id, encodeEvent(e))
            fresh.push(e.id)
          }
          for (let i = 0, n = int(3); i < n; i++) {
            const pool = random() < 0.5 ? ids : fresh
            const target = pool[int(pool.length)]
            if (target === undefined) continue
            const r = make({ type: "retract", target })
            events.set(r.id, encodeEvent(r))
          }
          if (random() < 0.3) events.set(`grown-bad-${round}`, { type: "pump", v: 1, durationSec: -1 })
        })
        await writeFile(
          path,
          Buffer.concat([currentLog, FilePersistence.encodeRecord(Y.encodeStateAsUpdate(doc, before))])
        )
        doc.destroy()
      }
      if (tamper === "stale" && previousCheckpoint !== undefined)
        await writeFile(checkpointPath, previousCheckpoint)
      // The document goes back to an earlier copy: the checkpoint covers more than it has.
      if (tamper === "ahead" && previousLog !== undefined) await writeFile(path, previousLog)
      if (tamper === "delete") await rm(checkpointPath, { force: true })
      previousCheckpoint = current
      previousLog = currentLog
      expectFirst =
        tamper === "none"
          ? sameOptions
            ? "exactly"
            : "any"
          : tamper === "stale" || tamper === "ahead" || tamper === "edited" || tamper === "grown"
            ? "any"
            : "none"
      expectFrom = !checkpointOptions
        ? "fold"
        : tamper === "none"
          ? "checkpoint results"
          : tamper === "grown"
            ? "checkpoint state"
            : tamper === "delete" || tamper === "truncate" || tamper === "corrupt" || tamper === "foreign"
              ? "fold"
              : undefined
    }
  })
})

describe("local checkpoint and crashes", () => {
  it("a SIGKILL while the checkpoint is being written loses nothing, and the next open is correct", async () => {
    const seed = seedFor("checkpoint crash")
    const random = prng(seed)
    const path = join(dir, "crash.ylog")
    const recorded: Array<string> = []
    for (let crash = 0; crash < 3; crash++) {
      // The child appends in a loop with a checkpoint after every entry, so one is being
      // written nearly all the time, and prints each id once its append resolved (durable).
      const child = spawn(
        process.execPath,
        ["--conditions=source", "--import", "tsx", WRITER, path, String(crash)],
        { stdio: ["ignore", "pipe", "inherit"] }
      )
      const target = 20 + Math.floor(random() * 150)
      let buffer = ""
      await new Promise<void>((resolve, reject) => {
        child.on("error", reject)
        child.on("exit", () => resolve())
        child.stdout!.on("data", (chunk: Buffer) => {
          buffer += chunk.toString()
          const lines = buffer.split("\n")
          buffer = lines.pop() ?? ""
          recorded.push(...lines.filter((l) => l.length > 0))
          if (recorded.length >= target * (crash + 1)) child.kill("SIGKILL")
        })
      })
      const log = await open(path, { timeZone: "Europe/Berlin" }, { checkpoint: { idleMs: 60_000 } })
      const ids = new Set(log.events.map((e) => e.id))
      expect(
        recorded.filter((id) => !ids.has(id)),
        `crash ${crash} (FC_SEED=${seed})`
      ).toEqual([])
      await copyFile(path, join(dir, "rebuild.ylog"))
      const rebuilt = await open(
        join(dir, "rebuild.ylog"),
        { timeZone: "Europe/Berlin" },
        { checkpoint: false }
      )
      expect(view(log)).toEqual(view(rebuilt))
      await rebuilt.close()
      await log.close()
    }
  }, 120_000)
})
