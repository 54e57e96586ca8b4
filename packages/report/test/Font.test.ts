// A name in a script Helvetica (Latin-1) lacks: printed as "?" by default, and as itself with a
// TrueType font passed in (DejaVu Sans from the npm package dejavu-fonts-ttf).
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { makeSync } from "@relactation/core"
import { InvalidReportOptions, pdfReport } from "@relactation/report"
import { describe, expect, it } from "vitest"
import { pdfInfo, pdfText, save } from "./support.js"

const require = createRequire(import.meta.url)
const ttf = (file: string) => new Uint8Array(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)))
const stamp = (ms: number) => ({ now: () => ms, random: () => 0.25 })
const at = (iso: string) => ({ child: "baby-1", by: "parent-a", at: iso })
const events = [
  makeSync(
    { type: "child", ...at("2027-03-01T08:00:00Z"), name: "Алёна Ωμέγα", birthDate: "2027-02-01" },
    stamp(1)
  ),
  makeSync({ type: "latch", ...at("2027-03-01T09:00:00Z"), durationSec: 600, side: "both" }, stamp(2)),
  makeSync({ type: "weigh-in", ...at("2027-03-01T10:00:00Z"), grams: 4000 }, stamp(3))
]
const options = { timeZone: "Europe/Berlin", generatedAt: "2027-03-02T08:00:00Z" }

describe("pdfReport's font", () => {
  it("prints characters outside Latin-1 as ? with the standard font", async () => {
    const text = await pdfText(save("helvetica.pdf", pdfReport(events, options)))
    expect(text).toContain("????? ????? · born 2027-02-01")
  })

  it("prints them as themselves with a TrueType font, and the table still reads", async () => {
    const font = {
      normal: ttf("DejaVuSans.ttf"),
      bold: ttf("DejaVuSans-Bold.ttf"),
      italic: ttf("DejaVuSans-Oblique.ttf")
    }
    const path = save("dejavu.pdf", pdfReport(events, { ...options, font }))
    expect((await pdfInfo(path)).Pages).toBe("2")
    const text = await pdfText(path)
    expect(text).toContain("Алёна Ωμέγα · born 2027-02-01")
    expect(text).toMatch(/2027-03-01\s+1\s+0\s+10\s+0(\s+0){12}\s+0\s+-\s+4000 g/)
  })

  it("refuses bytes that are not a TrueType font, naming the option", () => {
    expect(() => pdfReport(events, { ...options, font: { normal: new Uint8Array([1, 2, 3]) } })).toThrow(
      new InvalidReportOptions({
        fn: "pdfReport",
        option: "font.normal",
        rule: "must be the bytes of a TrueType font file (.ttf, starting 00 01 00 00)"
      })
    )
  })
})
