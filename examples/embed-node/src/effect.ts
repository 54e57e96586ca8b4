/**
 * The Effect face of @relactation/sync: the log as a scoped Layer, changes as a Stream, typed
 * errors. The log closes when the program's scope ends.
 *
 * Run: pnpm --filter @relactation/example-embed-node effect
 */
import { Effect, Fiber, Layer, Stream } from "effect"
import { EffectApi, Persistence } from "@relactation/sync"

const LogLive = EffectApi.EventLog.layer({
  logId: "family-7f3a9c21",
  caregiver: "parent-a",
  child: "baby-1",
  projections: { timeZone: "Europe/Berlin" }
}).pipe(Layer.provide(Persistence.memory))

const program = Effect.gen(function* () {
  const log = yield* EffectApi.EventLog
  // Listen first, then record: the change arrives on the stream.
  const next = yield* EffectApi.changes.pipe(
    Stream.take(1),
    Stream.runCollect,
    Effect.forkChild({ startImmediately: true })
  )
  yield* EffectApi.append({ type: "weigh-in", grams: 3650 })
  const [change] = yield* Fiber.join(next)
  console.log(change?.origin, change?.added.length) // local 1
  return log.dailyTotals.days.length
})

Effect.runPromise(program.pipe(Effect.provide(LogLive))).then((days) =>
  console.log(`days with totals: ${days}`)
)
