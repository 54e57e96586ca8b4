// A sealed log's checkpoint is two AES-GCM messages: the first projections decrypt only the
// small head (results), the entries are decrypted after the document loads; an entries section
// that is flipped, swapped with another checkpoint's or cut makes the checkpoint ignored and
// rebuilt, and the open log is exactly a full rebuild.
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import {
  type EventLog,
  FilePersistence,
  type FirstProjections,
  generateFamilyKey,
  type OpenLogOptions,
  openLog
} from "../src/node.js"
import { openLogWith } from "../src/EventLog.js"

const LOG = "family-sealed-checkpoint-1"
let dir = ""
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-sealed-checkpoint-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const key = generateFamilyKey()
const options = (path: string, extra: Partial<OpenLogOptions> = {}): OpenLogOptions => ({
  logId: LOG,
  caregiver: "parent-a",
  child: "baby-1",
  key,
  projections: { timeZone: "Europe/Berlin" },
  persistence: { kind: "custom", adapter: FilePersistence.adapter(path) },
  checkpoint: { idleMs: 60_000 },
  ...extra
})

const view = (log: EventLog) => ({
  events: log.events,
  problems: log.problems,
  dailyTotals: log.dailyTotals,
  weightTrend: log.weightTrend,
  relactationProgress: log.relactationProgress
})

/** The sealed checkpoint's parts: magic + format + head nonce + head length, head, entries (nonce + ciphertext). */
const sections = (bytes: Uint8Array) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headLength = view.getUint32(20)
  return {
    header: bytes.subarray(0, 24),
    head: bytes.subarray(24, 24 + headLength),
    entries: bytes.subarray(24 + headLength)
  }
}

const append = async (path: string, n: number, from: number): Promise<void> => {
  const log = await openLog(options(path))
  for (let i = 0; i < n; i++)
    await log.append({
      type: "pump",
      at: new Date(Date.parse("2027-03-01T08:00:00.000Z") + (from + i) * 3_600_000).toISOString(),
      durationSec: 600,
      method: "electric",
      totalMl: 10 + i
    })
  await log.close()
}

/** Opens with the checkpoint: the first projections, the path taken, the log. */
const openWith = async (path: string) => {
  const first: Array<FirstProjections> = []
  const from: Array<string> = []
  const log = await openLogWith(options(path, { onFirstProjections: (p) => first.push(p) }), undefined, {
    projectionsFrom: (f) => from.push(f)
  })
  return { log, first, from }
}

const rebuild = async (path: string) => {
  await copyFile(path, join(dir, "rebuild.ylog"))
  const log = await openLog(options(join(dir, "rebuild.ylog"), { checkpoint: false }))
  const shown = view(log)
  await log.close()
  return shown
}

describe("sealed checkpoint", () => {
  it("the first projections decrypt only the head: reported before the entries are decrypted", async () => {
    const path = join(dir, "log.ylog")
    await append(path, 30, 0)
    const stored = await readFile(`${path}.checkpoint`)
    const { head, entries } = sections(stored)
    const sizes = new Map([
      [head.length, "head"],
      [entries.length - 12, "entries"]
    ])
    const order: Array<string> = []
    const decrypt = globalThis.crypto.subtle.decrypt.bind(globalThis.crypto.subtle)
    const spy = vi.spyOn(globalThis.crypto.subtle, "decrypt").mockImplementation((algorithm, k, data) => {
      order.push(`decrypt ${sizes.get((data as ArrayBufferView).byteLength) ?? "other"}`)
      return decrypt(algorithm, k, data)
    })
    let opened: Awaited<ReturnType<typeof openWith>>
    try {
      const first: Array<FirstProjections> = []
      const log = await openLogWith(
        options(path, {
          onFirstProjections: (p) => {
            order.push("first projections")
            first.push(p)
            // The entries are not decrypted yet: `events` says so instead of blocking or lying.
            expect(() => p.events).toThrow(/decrypted after the document loads/)
          }
        }),
        undefined,
        {}
      )
      opened = { log, first, from: [] }
    } finally {
      spy.mockRestore()
    }
    expect(order).toEqual(["decrypt head", "first projections", "decrypt entries"])
    expect(opened.first).toHaveLength(1)
    expect(opened.first[0]!.dailyTotals).toEqual(opened.log.dailyTotals)
    // Once openLog has resolved, the checkpoint's events are there.
    expect(opened.first[0]!.events).toEqual(opened.log.events)
    expect(opened.log.events).toHaveLength(30)
    await opened.log.close()
  })

  it("an entries section flipped, swapped with another checkpoint's, or cut, or another format: ignored and rebuilt", async () => {
    const path = join(dir, "log.ylog")
    await append(path, 20, 0)
    const older = await readFile(`${path}.checkpoint`)
    await append(path, 10, 20)
    const newer = await readFile(`${path}.checkpoint`)
    const log = await readFile(path)
    const truth = await rebuild(path)
    expect(truth.events).toHaveLength(30)

    const flipped = Uint8Array.from(newer)
    const at = sections(newer).header.length + sections(newer).head.length + 12 + 40
    flipped[at]! ^= 0x04
    // Format 3 sealed the whole checkpoint as one message: any other version is rebuilt.
    const otherVersion = Uint8Array.from(newer)
    new DataView(otherVersion.buffer).setUint32(4, 3)
    const cases: ReadonlyArray<readonly [string, Uint8Array, boolean]> = [
      // The head is intact (it opens and shows its projections), the entries do not open.
      ["flipped", flipped, true],
      // The older checkpoint's head (20 entries' results) with the newer one's entries (which the
      // document confirms): trusted, it would show 20 entries' totals as the whole log's.
      [
        "swapped",
        Buffer.concat([sections(older).header, sections(older).head, sections(newer).entries]),
        false
      ],
      ["cut", newer.subarray(0, newer.length - 100), false],
      ["other version", otherVersion, false]
    ]
    for (const [what, bytes, headOpens] of cases) {
      await writeFile(path, log)
      await writeFile(`${path}.checkpoint`, bytes)
      const opened = await openWith(path)
      expect(opened.first, what).toHaveLength(headOpens ? 1 : 0)
      expect(opened.from, what).toEqual(["fold"])
      expect(view(opened.log), what).toEqual(truth)
      await opened.log.close()
      // Rebuilt: the close wrote a checkpoint the next open takes whole.
      const again = await openWith(path)
      expect(again.from, what).toEqual(["checkpoint results"])
      expect(again.first, what).toHaveLength(1)
      expect(view(again.log), what).toEqual(truth)
      await again.log.close()
    }
  })
})
