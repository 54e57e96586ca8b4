// The sync's refusals carry a stable code next to the English rule, so an app can translate them.
import { describe, expect, it } from "vitest"
import { openLog } from "../src/index.js"

const base = { logId: "family-codes-1", caregiver: "parent-a", projections: { timeZone: "Europe/Berlin" } }

describe("InvalidLogOptions codes", () => {
  it.each([
    [{ ...base, logId: "no" }, "logId", "log-id-format"],
    [{ ...base, caregiver: "" }, "caregiver", "caregiver-empty"],
    [{ ...base, url: "ws://127.0.0.1:1" }, "url", "url-token-pair"],
    [{ ...base, persistence: { kind: "file" as const, path: "x" } }, "persistence", "file-needs-node"]
  ])("%# names the option and the rule's code", async (options, option, code) => {
    await expect(openLog(options)).rejects.toMatchObject({ _tag: "InvalidLogOptions", option, code })
  })

  it("a log without relay cannot wait to be synced: no-relay", async () => {
    await using log = await openLog({ ...base, persistence: { kind: "memory" } })
    await expect(log.whenSynced()).rejects.toMatchObject({ _tag: "InvalidLogOptions", code: "no-relay" })
  })

  it("a bad session start carries core's problem code", async () => {
    await using log = await openLog({ ...base, persistence: { kind: "memory" } })
    expect(() => log.startSession({ kind: "nap" as "latch" })).toThrow(
      expect.objectContaining({
        _tag: "InvalidEvent",
        problems: [expect.objectContaining({ code: "one-of" })]
      })
    )
  })
})
