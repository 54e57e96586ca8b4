import { describe, expect, it } from "vitest"
import * as syncProtocol from "y-protocols/sync"
import * as Y from "yjs"
import { ProtocolError, parseMessage } from "../../server/src/internal/Messages.js"
import { awarenessFrame, encodeSyncStep1, encodeUpdate, frame, readSyncFrame } from "../src/index.js"

describe("frames", () => {
  it("builds what the relay parses: an update, and awareness entries it can tell apart", () => {
    const doc = new Y.Doc()
    doc.getMap("events").set("e1", { type: "latch" })
    const update = Y.encodeStateAsUpdate(doc)
    expect(parseMessage(encodeUpdate(update))).toEqual({ type: "update", update })
    const awareness = awarenessFrame([
      { clientId: 7, clock: 1, state: { user: { name: "A" } } },
      { clientId: 8, clock: 2, state: null }
    ])
    expect(parseMessage(awareness)).toMatchObject({
      type: "awareness",
      entries: [
        { clientId: 7, clock: 1, sets: true, json: JSON.stringify({ user: { name: "A" } }) },
        { clientId: 8, clock: 2, sets: false, json: "null" }
      ]
    })
  })

  it("builds any frame, well-formed or not: a huge length prefix is refused by the relay", () => {
    expect(frame(3)).toEqual(new Uint8Array([3]))
    expect(parseMessage(frame(3))).toEqual({ type: "query-awareness" })
    expect(() => parseMessage(frame(0, 2, 2 ** 40))).toThrow(ProtocolError)
    expect(() => parseMessage(frame(0, 2, new Uint8Array([1, 2, 3])))).toThrow(/update cannot be decoded/)
  })

  it("reads a sync step 1 as a client does and answers with what the other side lacks", () => {
    const relaySide = new Y.Doc()
    const phone = new Y.Doc()
    phone.getMap("events").set("e1", { type: "pump" })
    const reading = readSyncFrame(phone, encodeSyncStep1(relaySide), "relay")
    expect(reading?.step).toBe(syncProtocol.messageYjsSyncStep1)
    const answer = parseMessage(reading?.reply ?? new Uint8Array())
    expect(answer.type).toBe("sync-step-2")
    if (answer.type === "sync-step-2") Y.applyUpdate(relaySide, answer.update)
    expect(relaySide.getMap("events").get("e1")).toEqual({ type: "pump" })
    // An update needs no answer; anything but a sync frame is not read.
    expect(readSyncFrame(phone, encodeUpdate(Y.encodeStateAsUpdate(relaySide)), "relay")).toEqual({
      step: syncProtocol.messageYjsUpdate,
      reply: undefined
    })
    expect(readSyncFrame(phone, awarenessFrame([]), "relay")).toBeUndefined()
  })
})
