import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { GroupCommit } from "../src/internal/GroupCommit.js"

// FC_SEED replays a run (the config draws and prints one per run); FC_RUNS sets the number of runs.
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = process.env.FC_RUNS === undefined ? 100 : Number(process.env.FC_RUNS)
console.log(`[GroupCommit.test] fast-check seed ${seed} (replay with FC_SEED=${seed})`)

/** One event-loop turn: the group of the turn before has been handed over by then. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

interface Call {
  readonly group: ReadonlyArray<string>
  readonly succeed: (results?: ReadonlyArray<string>) => void
  readonly fail: (error: unknown) => void
}

/** A store whose commits return when the test says so. */
const store = (options: { readonly overlap?: boolean } = {}) => {
  const calls: Array<Call> = []
  let open = 0
  let mostOpen = 0
  const commits = new GroupCommit<string, string>(
    (group) =>
      new Promise((resolve, reject) => {
        open++
        mostOpen = Math.max(mostOpen, open)
        calls.push({
          group: [...group],
          succeed: (results = group.map((item) => `stored ${item}`)) => {
            open--
            resolve(results)
          },
          fail: (error) => {
            open--
            reject(error)
          }
        })
      }),
    options
  )
  return { commits, calls, mostOpen: () => mostOpen }
}

/** Tracks how a promise settled, without awaiting it. */
const watch = <T>(promise: Promise<T>) => {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false }
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true })
  )
  return state
}

const call = (calls: ReadonlyArray<Call>, i: number): Call => {
  const found = calls[i]
  if (found === undefined) throw new Error(`commit ${i} was not started (${calls.length} started)`)
  return found
}

describe("GroupCommit", () => {
  it("commits the appends of one turn together and resolves each with its own result, only after the commit", async () => {
    const { commits, calls } = store()
    const appends = ["a", "b", "c"].map((item) => watch(commits.add(item)))
    await turn()
    expect(calls.map((c) => c.group)).toEqual([["a", "b", "c"]])
    await turn()
    expect(appends.some((append) => append.settled)).toBe(false)
    call(calls, 0).succeed()
    await turn()
    expect(appends.map((append) => append.value)).toEqual(["stored a", "stored b", "stored c"])
  })

  it("runs one commit at a time: what is added meanwhile, over several turns, is the next group", async () => {
    const { commits, calls, mostOpen } = store()
    const first = watch(commits.add("a"))
    await turn()
    const later = [watch(commits.add("b"))]
    await turn()
    later.push(watch(commits.add("c")))
    await turn()
    expect(calls.map((c) => c.group)).toEqual([["a"]])
    call(calls, 0).succeed()
    await turn()
    expect(first.value).toBe("stored a")
    expect(calls.map((c) => c.group)).toEqual([["a"], ["b", "c"]])
    expect(later.some((append) => append.settled)).toBe(false)
    call(calls, 1).succeed()
    await turn()
    expect(later.map((append) => append.value)).toEqual(["stored b", "stored c"])
    expect(mostOpen()).toBe(1)
  })

  it("rejects every append of a failed commit, and commits the next group anyway", async () => {
    const { commits, calls } = store()
    const failed = ["a", "b"].map((item) => watch(commits.add(item)))
    await turn()
    const next = watch(commits.add("c"))
    const disk = new Error("disk I/O error")
    call(calls, 0).fail(disk)
    await turn()
    expect(failed.map((append) => append.error)).toEqual([disk, disk])
    expect(calls.map((c) => c.group)).toEqual([["a", "b"], ["c"]])
    call(calls, 1).succeed()
    await turn()
    expect(next.value).toBe("stored c")
  })

  it("rejects a group whose commit returns a result per item too few, naming the counts", async () => {
    const { commits, calls } = store()
    const appends = ["a", "b"].map((item) => watch(commits.add(item)))
    await turn()
    call(calls, 0).succeed(["stored a"])
    await turn()
    for (const append of appends) expect(String(append.error)).toContain("1 results for 2 appends")
  })

  it("fails a group whose commit throws instead of rejecting", async () => {
    const commits = new GroupCommit<string, string>(() => {
      throw new Error("the database is closed")
    })
    await expect(commits.add("a")).rejects.toThrow("the database is closed")
  })

  it("flush hands over what is queued without waiting for the turn, and settles once it is committed", async () => {
    const { commits, calls } = store()
    const append = watch(commits.add("a"))
    const flushed = watch(commits.flush())
    expect(calls.map((c) => c.group)).toEqual([["a"]])
    await turn()
    expect(flushed.settled).toBe(false)
    call(calls, 0).succeed()
    await turn()
    expect(append.value).toBe("stored a")
    expect(flushed.settled).toBe(true)
  })

  it("reject fails what waits for a group, not the commit under way", async () => {
    const { commits, calls } = store()
    const underWay = watch(commits.add("a"))
    await turn()
    const waiting = watch(commits.add("b"))
    const stopped = new Error("the relay database stopped")
    commits.reject(stopped)
    await turn()
    expect(waiting.error).toBe(stopped)
    expect(underWay.settled).toBe(false)
    call(calls, 0).succeed()
    await turn()
    expect(underWay.value).toBe("stored a")
    expect(calls.length).toBe(1)
  })

  it("with overlap, hands each turn's group over while an earlier one is under way; flush waits for all of them", async () => {
    const { commits, calls, mostOpen } = store({ overlap: true })
    const first = watch(commits.add("a"))
    await turn()
    const second = [watch(commits.add("b")), watch(commits.add("c"))]
    await turn()
    expect(calls.map((c) => c.group)).toEqual([["a"], ["b", "c"]])
    const flushed = watch(commits.flush())
    // The later group may return first: each append settles with its own group.
    call(calls, 1).succeed()
    await turn()
    expect(second.map((append) => append.value)).toEqual(["stored b", "stored c"])
    expect(first.settled).toBe(false)
    expect(flushed.settled).toBe(false)
    call(calls, 0).succeed()
    await turn()
    expect(first.value).toBe("stored a")
    expect(flushed.settled).toBe(true)
    expect(mostOpen()).toBe(2)
  })

  it("every append is committed exactly once, in order, in one group at a time, whatever the timing", async () => {
    // Each step adds an item, lets a turn pass, or settles the commit under way (ok or failed).
    const step = fc.oneof(
      fc.constant({ kind: "add" as const }),
      fc.constant({ kind: "turn" as const }),
      fc.boolean().map((ok) => ({ kind: "settle" as const, ok }))
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const { commits, calls, mostOpen } = store()
        const appends: Array<{ item: string; state: ReturnType<typeof watch<string>> }> = []
        const outcome = new Map<number, boolean>()
        let settled = 0
        const settleNext = (ok: boolean) => {
          const next = calls[settled]
          if (next === undefined) return
          outcome.set(settled++, ok)
          if (ok) next.succeed()
          else next.fail(new Error(`commit ${settled} failed`))
        }
        for (const s of steps) {
          if (s.kind === "add") {
            const item = `u${appends.length}`
            appends.push({ item, state: watch(commits.add(item)) })
          } else if (s.kind === "turn") await turn()
          else settleNext(s.ok)
          // Nothing is settled whose commit has not returned.
          await Promise.resolve()
          const returned = new Set(calls.slice(0, settled).flatMap((c) => c.group))
          for (const { item, state } of appends) if (state.settled) expect(returned.has(item)).toBe(true)
        }
        // Drain: every remaining commit succeeds.
        for (;;) {
          await turn()
          if (settled === calls.length) break
          settleNext(true)
        }
        await turn()
        expect(mostOpen()).toBeLessThanOrEqual(1)
        expect(calls.flatMap((c) => c.group)).toEqual(appends.map((a) => a.item))
        for (const [i, c] of calls.entries()) {
          for (const item of c.group) {
            const state = appends.find((a) => a.item === item)?.state
            if (outcome.get(i)) expect(state?.value).toBe(`stored ${item}`)
            else expect(String(state?.error)).toContain(`commit ${i + 1} failed`)
          }
        }
      }),
      { seed, numRuns }
    )
  })
})
