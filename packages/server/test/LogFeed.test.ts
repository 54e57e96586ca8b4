// The per-log order of updates across processes: a randomized delivery of a store's updates (some
// dropped, some out of order, some our own) must end with every update applied once, in number
// order, after at most a few fetches from the store.
import { runs } from "@relactation/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { LogFeed } from "../src/internal/bus/LogFeed.js"
import type { SequencedLog } from "../src/Storage.js"
import { until } from "./helpers.js"

const bytes = (seq: number) => new Uint8Array([seq & 0xff, seq >> 8])
const seqOf = (update: Uint8Array) => (update[0] ?? 0) + ((update[1] ?? 0) << 8)

/** A store of `n` numbered updates and a feed on it that records what it applied. */
const harness = (n: number, graceMs = 1) => {
  const store = Array.from({ length: n }, (_, i) => i + 1)
  const applied: Array<number> = []
  const fetches: Array<number> = []
  let failNext = 0
  const feed = new LogFeed(
    {
      apply: (updates) => {
        for (const update of updates) applied.push(seqOf(update))
      },
      since: async (after): Promise<SequencedLog> => {
        fetches.push(after)
        if (failNext > 0) {
          failNext--
          throw new Error("store down")
        }
        const data = store.filter((seq) => seq > after).map(bytes)
        return { data, updates: data.length, bytes: data.length * 2, seq: n }
      },
      onCatchUp: () => {},
      onCatchUpFailed: () => {}
    },
    graceMs
  )
  const failing = (count: number): void => {
    failNext = count
  }
  return { feed, applied, fetches, failing }
}

describe("LogFeed", () => {
  it("applies in number order what comes in order, without asking the store", () => {
    const { feed, applied, fetches } = harness(3)
    feed.start(0)
    for (const seq of [1, 2, 3]) feed.receive(seq, bytes(seq))
    expect(applied).toEqual([1, 2, 3])
    expect(fetches).toEqual([])
    expect(feed.behind).toBe(false)
  })

  it("holds what came during the load and applies only what the load did not have", () => {
    const { feed, applied } = harness(5)
    feed.receive(4, bytes(4))
    feed.receive(3, bytes(3))
    feed.receive(6, bytes(6))
    expect(applied).toEqual([])
    feed.start(3)
    expect(applied).toEqual([4])
    feed.receive(5, bytes(5))
    expect(applied).toEqual([4, 5, 6])
  })

  it("waits for a crossing message before it asks the store", async () => {
    const { feed, applied, fetches } = harness(3, 50)
    feed.start(0)
    feed.receive(2, bytes(2))
    feed.receive(1, bytes(1))
    expect(applied).toEqual([1, 2])
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(fetches).toEqual([])
  })

  it("fetches a gap that stays open from the store, and skips our own numbers", async () => {
    const { feed, applied, fetches } = harness(4)
    feed.start(0)
    feed.own(2)
    feed.receive(4, bytes(4))
    await until("the catch-up", () => !feed.behind)
    expect(fetches).toEqual([0])
    // The store's answer holds 1..4 (our own 2 too: Yjs drops what the document has); 4 came early
    // and is not applied again.
    expect(applied).toEqual([1, 2, 3, 4])
  })

  it("asks the store after a reconnect and after a head it is behind, and retries a failed fetch", async () => {
    const { feed, applied, fetches } = harness(2)
    feed.start(0)
    feed.reconnected()
    await until("the reconnect catch-up", () => applied.length === 2)
    expect(fetches).toEqual([0])
    const second = harness(3)
    second.feed.start(1)
    second.failing(1)
    second.feed.head(3)
    await until("the head catch-up after one retry", () => second.applied.length === 2, 5_000)
    expect(second.fetches).toEqual([1, 1])
    expect(second.applied).toEqual([2, 3])
  })

  it("converges whatever the delivery order and whichever messages are lost", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 40,
          maxLength: 40
        }),
        fc.integer({ min: 0, max: 40 }),
        async (n, fates, loadedAt) => {
          const head = Math.min(loadedAt, n)
          const { feed, applied } = harness(n)
          // Each update is delivered (0, 1), lost (2) or our own (3), at a jittered position.
          const deliveries = Array.from({ length: n }, (_, i) => ({ seq: i + 1, fate: fates[i] ?? [0, 0] }))
            .map(({ seq, fate }) => ({ seq, kind: fate[0], at: seq + fate[1] * 3 }))
            .sort((a, b) => a.at - b.at)
          for (const delivery of deliveries.slice(0, 3))
            if (delivery.kind !== 2) feed.receive(delivery.seq, bytes(delivery.seq))
          feed.start(head)
          for (const { seq, kind } of deliveries) {
            if (kind === 3) feed.own(seq)
            else if (kind !== 2) feed.receive(seq, bytes(seq))
          }
          // A lost last message is only noticed from a head or a reconnect: the bus sends both.
          feed.reconnected()
          await until("the feed to catch up", () => !feed.behind && feed.contiguous === n, 5_000, 1)
          const own = new Set(deliveries.filter((d) => d.kind === 3).map((d) => d.seq))
          const wanted = Array.from({ length: n - head }, (_, i) => head + i + 1).filter(
            (seq) => !own.has(seq)
          )
          // Everything not our own and not in the load is applied; the bus part in number order.
          for (const seq of wanted) expect(applied).toContain(seq)
          expect(applied.every((seq) => seq > head)).toBe(true)
          // In number order, each once: the store's answer and the bus never overlap or go back.
          expect(applied.every((seq, i) => i === 0 || seq > (applied[i - 1] ?? 0))).toBe(true)
          feed.close()
        }
      ),
      { numRuns: runs(60) }
    )
  })
})
