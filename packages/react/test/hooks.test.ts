// The hooks with React's own test utilities (@testing-library/react over react-dom, in happy-dom):
// useLog opens and closes a log with a component (once under StrictMode), every hook re-renders
// when its value changes and only then, and status and peers follow a real relay.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRelay } from "@relactation/server"
import { type EventLog, type OpenLogOptions, openLog } from "@relactation/sync"
import { act, cleanup, configure, render, renderHook, waitFor } from "@testing-library/react"
import { createElement, Fragment, StrictMode } from "react"
import { afterEach, describe, expect, it } from "vitest"
import WebSocket from "ws"
import {
  type LogState,
  type UseLogConfig,
  setProjectionOptions,
  useDailyTotals,
  useEvents,
  useLog,
  usePeers,
  useRelactationProgress,
  useSession,
  useStatus,
  useWeightTrend
} from "../src/index.js"

afterEach(cleanup)
// waitFor polls until the hook shows what a real relay made happen; its default of 1 s is shorter
// than a connection takes on a loaded 2-core machine. The test's own timeout still bounds it.
configure({ asyncUtilTimeout: 10_000 })

const base = (logId: string): OpenLogOptions => ({
  logId,
  caregiver: "parent-a",
  child: "baby-1",
  persistence: { kind: "memory" },
  projections: { timeZone: "Europe/Berlin" },
  broadcastChannel: false
})

/** openLog, counting how many logs are open at once. */
const counting = () => {
  const c = { opened: 0, closed: 0, maxOpen: 0, logs: [] as Array<EventLog> }
  const open = async (options: OpenLogOptions): Promise<EventLog> => {
    const log = await openLog(options)
    c.opened++
    c.maxOpen = Math.max(c.maxOpen, c.opened - c.closed)
    c.logs.push(log)
    const close = log.close
    return Object.assign(Object.create(log) as EventLog, {
      close: async () => {
        await close()
        c.closed++
      }
    })
  }
  return { c, open }
}

// Components at module level (a component made inside a test would be a new type on each render).
const OpensLog = (props: { open: UseLogConfig["open"]; seen: Array<LogState["state"]> }) => {
  const state = useLog(base("family-react-1"), props.open === undefined ? {} : { open: props.open })
  props.seen.push(state.state)
  return createElement("p", null, state.state)
}
const Totals = (props: { log: EventLog; onRender: () => void }) => {
  props.onRender()
  const day = useDailyTotals(props.log).days.at(-1)
  return createElement("p", null, `latches ${day?.latches ?? 0}, supplement ${day?.supplementMl ?? 0}`)
}
const Online = (props: { options: OpenLogOptions }) => {
  const { log } = useLog(props.options)
  const status = useStatus(log)
  const peers = usePeers(log)
  return createElement(
    Fragment,
    null,
    createElement("p", { "data-testid": "status" }, status ?? "none"),
    createElement(
      "p",
      { "data-testid": "peers" },
      (peers ?? [])
        .map((p) => p.name)
        .sort()
        .join(",")
    )
  )
}

describe("useLog", () => {
  it("opens the log while mounted, once under StrictMode, and closes it on unmount", async () => {
    const { c, open } = counting()
    const seen: Array<LogState["state"]> = []
    const view = render(createElement(StrictMode, null, createElement(OpensLog, { open, seen })))
    await waitFor(() => expect(view.container.textContent).toBe("open"))
    expect(seen[0]).toBe("opening")
    expect(c.maxOpen).toBe(1)
    expect(c.opened - c.closed).toBe(1)
    view.unmount()
    await waitFor(() => expect(c.closed).toBe(c.opened))
    await expect(c.logs.at(-1)?.append({ type: "weigh-in", grams: 3650 })).rejects.toMatchObject({
      _tag: "LogClosed"
    })
  })

  it("closes the old log and opens the new one when the log id changes; undefined opens nothing", async () => {
    const { c, open } = counting()
    const { result, rerender } = renderHook(
      ({ id }: { id: string | undefined }) => useLog(id === undefined ? undefined : base(id), { open }),
      { initialProps: { id: "family-react-2" as string | undefined } }
    )
    await waitFor(() => expect(result.current.log?.logId).toBe("family-react-2"))
    rerender({ id: "family-react-3" })
    expect(result.current.state).toBe("opening") // never the old log under the new options
    await waitFor(() => expect(result.current.log?.logId).toBe("family-react-3"))
    expect(c).toMatchObject({ opened: 2, closed: 1, maxOpen: 1 })
    rerender({ id: undefined })
    expect(result.current.state).toBe("closed")
    await waitFor(() => expect(c.closed).toBe(2))
  })

  it("reports why a log cannot be opened", async () => {
    const { result } = renderHook(() => useLog(base("no")))
    await waitFor(() => expect(result.current.state).toBe("failed"))
    expect(result.current.error).toMatchObject({ _tag: "InvalidLogOptions", option: "logId" })
  })
})

describe("projection hooks", () => {
  it("re-render when an entry changes them, with the same snapshot otherwise (no loop)", async () => {
    await using log = await openLog(base("family-react-4"))
    let renders = 0
    const view = render(createElement(Totals, { log, onRender: () => renders++ }))
    expect(view.container.textContent).toBe("latches 0, supplement 0")
    const first = renders
    await act(() => log.append({ type: "latch", durationSec: 600, side: "left" }))
    expect(view.container.textContent).toBe("latches 1, supplement 0")
    await act(() => log.append({ type: "supplement", ml: 30, milk: "formula", via: "bottle" }))
    expect(view.container.textContent).toBe("latches 1, supplement 30")
    expect(renders).toBe(first + 2)
    // A presence change moves the store but not the totals: no re-render.
    act(() => log.setPresenceName("Alex"))
    expect(renders).toBe(first + 2)
  })

  it("give one stable object per change, and the same one to every component", async () => {
    await using log = await openLog(base("family-react-5"))
    const { result, rerender } = renderHook(() => ({
      totals: useDailyTotals(log),
      again: useDailyTotals(log),
      trend: useWeightTrend(log),
      progress: useRelactationProgress(log),
      events: useEvents(log)
    }))
    const before = result.current
    rerender()
    expect(result.current.totals).toBe(before.totals)
    expect(result.current.trend).toBe(before.trend)
    expect(result.current.progress).toBe(before.progress)
    expect(result.current.events).toBe(before.events)
    await act(() => log.append({ type: "weigh-in", grams: 3650 }))
    expect(result.current.trend).not.toBe(before.trend)
    expect(result.current.trend).toBe(log.weightTrend)
    expect(result.current.again).toBe(result.current.totals)
    expect(result.current.events).toHaveLength(1)
  })

  it("setProjectionOptions re-renders with the rebuilt projections", async () => {
    await using log = await openLog(base("family-react-6"))
    await log.append({ type: "latch", durationSec: 600, side: "left", at: "2027-03-13T23:30:00.000Z" })
    const { result } = renderHook(() => useDailyTotals(log))
    expect(result.current.days.map((d) => d.date)).toEqual(["2027-03-14"]) // 00:30 in Berlin
    act(() => setProjectionOptions(log, { timeZone: "America/New_York" }))
    expect(result.current.days.map((d) => d.date)).toEqual(["2027-03-13"]) // 19:30 in New York
  })

  it("give undefined without a log, so they take useLog's result directly", () => {
    const { result } = renderHook(() => [
      useDailyTotals(undefined),
      useStatus(undefined),
      useSession(undefined)
    ])
    expect(result.current).toEqual([undefined, undefined, undefined])
  })
})

describe("presence hooks", () => {
  it("follow the running session of this device", async () => {
    await using log = await openLog(base("family-react-7"))
    const { result } = renderHook(() => useSession(log))
    expect(result.current).toBeUndefined()
    let running: ReturnType<EventLog["startSession"]> | undefined
    act(() => {
      running = log.startSession({ kind: "latch", side: "right" })
    })
    expect(result.current).toBe(running)
    await act(() => log.stopSession())
    expect(result.current).toBeUndefined()
    expect(log.events).toHaveLength(1)
  })

  it("follow the status and the peers through a real relay", async () => {
    const dir = await mkdtemp(join(tmpdir(), "relactation-react-"))
    await using relay = await createRelay({
      port: 0,
      dataDir: dir,
      secret: "8di7rTkUZoMx5KZTfEwUcOBmg4KeRD__ziftrvkUYS4",
      log: () => {}
    })
    const online = (caregiver: string, name: string): OpenLogOptions => ({
      ...base("family-react-8"),
      caregiver,
      url: relay.url,
      token: relay.token("family-react-8"),
      WebSocketPolyfill: WebSocket,
      presence: { name }
    })
    try {
      const view = render(createElement(Online, { options: online("parent-a", "Alex") }))
      await waitFor(() => expect(view.getByTestId("status").textContent).toBe("synced"))
      expect(view.getByTestId("peers").textContent).toBe("Alex")
      const b = await openLog(online("parent-b", "Sam"))
      await waitFor(() => expect(view.getByTestId("peers").textContent).toBe("Alex,Sam"))
      await b.close()
      await waitFor(() => expect(view.getByTestId("peers").textContent).toBe("Alex"))
      await act(() => relay.close())
      await waitFor(() => expect(view.getByTestId("status").textContent).not.toBe("synced"))
      view.unmount()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
