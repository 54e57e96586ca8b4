// The checkpoint's bytes: a small head (log id, options, state vector, results) that the first
// projections need, then the entries, each section with its own checksum. Every damaged section is
// caught at decode; the entries are parsed only when used, and entries that do not parse make the
// checkpoint unusable for the document, never trusted.
import { dailyTotals, decodeEntry, makeSync, relactationProgress, weightTrend } from "@relactation/core"
import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import * as Checkpoint from "../src/internal/Checkpoint.js"

const LOG = "family-format-1"
const options = { timeZone: "Europe/Berlin" }

const sample = () => {
  const doc = new Y.Doc()
  const map = doc.getMap<unknown>("events")
  const events = [0, 1, 2].map((i) =>
    makeSync(
      {
        type: "latch",
        child: "baby-1",
        by: "parent-a",
        at: `2027-05-0${i + 1}T10:00:00.000Z`,
        durationSec: 600,
        side: "left"
      },
      { now: () => Date.parse("2027-05-01T00:00:00Z") + i, random: () => i / 10 }
    )
  )
  for (const e of events) map.set(e.id, JSON.parse(JSON.stringify(e)))
  const decoded = new Map(events.map((e) => [e.id, decodeEntry(JSON.parse(JSON.stringify(e)))]))
  const results = {
    dailyTotals: dailyTotals(events, options),
    weightTrend: weightTrend(events, {}),
    relactationProgress: relactationProgress(events, options)
  }
  const state = { v: 1, days: [[1, 2, 3]] }
  const checkpoint = Checkpoint.take(LOG, doc, map, options, (key) => decoded.get(key), results, state)
  return { doc, map, checkpoint, bytes: Checkpoint.encode(checkpoint) }
}

// The head's length, from the header.
const headLength = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(8)

describe("checkpoint format", () => {
  it("round-trips, and the document confirms every entry", () => {
    const { doc, map, checkpoint, bytes } = sample()
    const back = Checkpoint.decode(bytes, LOG)!
    expect(back.results).toEqual(JSON.parse(JSON.stringify(checkpoint.results)))
    expect(back.entries).toEqual(JSON.parse(JSON.stringify(checkpoint.entries)))
    expect(back.state).toEqual(checkpoint.state)
    expect(Checkpoint.verify(back, doc, map)?.unchanged).toBe(true)
  })

  it("a flipped byte in the head or in the entries, a cut or a head longer than the bytes: no checkpoint", () => {
    const { bytes } = sample()
    const head = headLength(bytes)
    for (const at of [20, 20 + Math.floor(head / 2), 20 + head, bytes.length - 1]) {
      const broken = bytes.slice()
      broken[at] = broken[at]! ^ 0x20
      expect(Checkpoint.decode(broken, LOG), `byte ${at}`).toBeUndefined()
    }
    expect(Checkpoint.decode(bytes.subarray(0, bytes.length - 1), LOG)).toBeUndefined()
    const long = bytes.slice()
    new DataView(long.buffer).setUint32(8, bytes.length)
    expect(Checkpoint.decode(long, LOG)).toBeUndefined()
    expect(Checkpoint.decode(bytes, "family-other-2")).toBeUndefined()
  })

  it("entries whose checksum holds but which do not parse: the results are readable, the document never confirms them", () => {
    const { doc, map, checkpoint } = sample()
    // Intact framing and checksums around entries that are not a list.
    const odd = Checkpoint.encode({ ...checkpoint, entries: { not: "a list" } as never })
    const back = Checkpoint.decode(odd, LOG)!
    expect(back.results).toEqual(JSON.parse(JSON.stringify(checkpoint.results)))
    expect(Checkpoint.verify(back, doc, map)).toBeUndefined()
  })
})
