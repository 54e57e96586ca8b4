// Sealed entries decoded like plaintext ones: the same events, unknown and invalid entries as the
// plaintext log would give, and the unreadable ones beside them.
import { decodeEntry, encodeEvent } from "@relactation/core"
import { describe, expect, it } from "vitest"
import { seal } from "../src/internal/Envelope.js"
import { decodeSealed } from "../src/internal/SealedEntries.js"
import { familyEvents, keysFor } from "./sealedFixtures.js"

describe("decodeSealed", () => {
  it("gives core's entries for what opens and an UnreadableEntry for what does not", async () => {
    const keys = await keysFor()
    const events = familyEvents()
    const newer = { id: "019b8b79-6378-7e3d-b5ae-1257aa74d8ac", type: "diaper", v: 1, wet: true }
    const invalid = { ...encodeEvent(events[3]!), id: "019b8b79-6378-7e3d-b5ae-1257aa74d8ad", durationSec: 0 }
    const raws = [...events.map((e) => encodeEvent(e)), newer, invalid] as Array<{ id: string }>
    const sealed = await Promise.all(raws.map((raw) => seal(keys, raw)))
    const entries: Array<readonly [string, unknown]> = sealed.map((s) => [s.key, s.value])
    entries.push([sealed[0]!.key.replace(/^./, (c) => (c === "A" ? "B" : "A")), sealed[0]!.value])
    const decoded = await decodeSealed(keys, entries)
    expect(decoded.slice(0, raws.length)).toEqual(
      raws.map((raw) => decodeEntry(JSON.parse(JSON.stringify(raw))))
    )
    expect(decoded.filter((e) => !("_tag" in e))).toHaveLength(events.length)
    expect(decoded.map((e) => ("_tag" in e ? e._tag : "event")).slice(events.length)).toEqual([
      "UnknownEntry",
      "InvalidEntry",
      "UnreadableEntry"
    ])
  })
})
