import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Fiber, Layer, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { EffectApi, FilePersistence, Persistence } from "../src/node.js"
import { clock, prng } from "./helpers.js"

const options = () => {
  const c = clock()
  return {
    logId: "family-effect-1",
    caregiver: "parent-a",
    child: "baby-1",
    projections: { timeZone: "Europe/Berlin" },
    now: c.now,
    random: prng(3)
  }
}

describe("EffectApi", () => {
  it("opens a scoped log, appends, streams changes and fails with typed errors", async () => {
    const layer = EffectApi.Log.layer(options()).pipe(Layer.provide(Persistence.memory))
    const program = Effect.gen(function* () {
      const log = yield* EffectApi.Log
      const fiber = yield* EffectApi.changes.pipe(Stream.take(1), Stream.runCollect, Effect.forkChild)
      yield* Effect.yieldNow
      const event = yield* EffectApi.append({ type: "latch", durationSec: 300, side: "right" })
      const collected = yield* Fiber.join(fiber)
      // In the typed error channel (a defect would not flip: the program would die instead).
      const invalid = yield* Effect.flip(EffectApi.append({ type: "latch", durationSec: -1, side: "right" }))
      const statuses = yield* EffectApi.statusChanges.pipe(Stream.take(1), Stream.runCollect)
      return { log, event, collected, invalid, statuses }
    })
    const { log, event, collected, invalid, statuses } = await Effect.runPromise(
      program.pipe(Effect.provide(layer))
    )
    expect([...collected]).toEqual([{ added: [event], origin: "local" }])
    expect(invalid._tag).toBe("InvalidEvent")
    expect(invalid.message).toContain("latch.durationSec")
    expect(log.events).toEqual([event])
    expect([...statuses]).toEqual(["offline"])
    // The scope ended: the log is closed.
    await expect(log.append({ type: "weigh-in", grams: 3000 })).rejects.toMatchObject({ _tag: "LogClosed" })
  })

  it("keeps the log in a file through FilePersistence.layer", async () => {
    const dir = await mkdtemp(join(tmpdir(), "relactation-effect-"))
    try {
      const layer = EffectApi.Log.layer(options()).pipe(
        Layer.provide(FilePersistence.layer(join(dir, "log.ylog")))
      )
      const id = await Effect.runPromise(
        EffectApi.append({ type: "weigh-in", grams: 3333 }).pipe(
          Effect.map((e) => e.id),
          Effect.provide(layer)
        )
      )
      const ids = await Effect.runPromise(
        EffectApi.Log.use((log) => Effect.succeed(log.events.map((e) => e.id))).pipe(Effect.provide(layer))
      )
      expect(ids).toEqual([id])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("fails to open with InvalidLogOptions in the error channel", async () => {
    const layer = EffectApi.Log.layer({ ...options(), logId: "bad" }).pipe(Layer.provide(Persistence.memory))
    const error = await Effect.runPromise(
      EffectApi.Log.use(() => Effect.void).pipe(Effect.provide(layer), Effect.flip)
    )
    expect(error._tag).toBe("InvalidLogOptions")
  })
})

describe("EffectApi.stopSession", () => {
  it("stops the session into its event, and fails with SessionAlreadyStopped in the error channel", async () => {
    const layer = EffectApi.Log.layer(options()).pipe(Layer.provide(Persistence.memory))
    const program = Effect.gen(function* () {
      const log = yield* EffectApi.Log
      const running = log.startSession({ kind: "latch", side: "left" })
      const event = yield* EffectApi.stopSession()
      const again = yield* Effect.flip(EffectApi.stopSession({ session: running.id }))
      const invalid = yield* Effect.sync(() => log.startSession({ kind: "pump" })).pipe(
        Effect.andThen(Effect.flip(EffectApi.stopSession()))
      )
      return { running, event, again, invalid }
    })
    const { running, event, again, invalid } = await Effect.runPromise(program.pipe(Effect.provide(layer)))
    expect(event).toMatchObject({ type: "latch", at: running.startedAt })
    expect(again).toMatchObject({ _tag: "SessionAlreadyStopped", stoppedBy: "parent-a", event })
    expect(invalid._tag).toBe("InvalidEvent")
  })
})

describe("EffectApi.EventLog (deprecated alias)", () => {
  it("is the Log service", async () => {
    expect(EffectApi.EventLog).toBe(EffectApi.Log)
    const layer = EffectApi.EventLog.layer(options()).pipe(Layer.provide(Persistence.memory))
    const logId = await Effect.runPromise(
      EffectApi.Log.use((log) => Effect.succeed(log.logId)).pipe(Effect.provide(layer))
    )
    expect(logId).toBe("family-effect-1")
  })
})
