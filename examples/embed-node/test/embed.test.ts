// The embedding examples are real programs: run them as a user would and check what they print.
import { execFile } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const here = new URL("..", import.meta.url).pathname
const tsx = (script: string, ...args: Array<string>) =>
  run(process.execPath, ["--conditions=source", "--import", "tsx", script, ...args], {
    cwd: here,
    timeout: 60_000
  })

describe("examples/embed-node", () => {
  const data = mkdtempSync(join(tmpdir(), "embed-node-"))
  afterAll(() => rmSync(data, { recursive: true, force: true }))

  it("main.ts prints the projections of its sample log", async () => {
    const { stdout } = await tsx("src/main.ts")
    expect(stdout).toContain("decoded 14 events, 1 from a newer app (kept, skipped), 0 invalid")
    // With the day starting at 06:00, the 02:10 SNS latch belongs to the 12th; the retracted
    // donor bottle counts nowhere.
    expect(stdout).toContain(
      "2027-03-12: 1 latches (1 at night, 18 min), pumped 5 ml, supplement 30 ml (formula 30 ml, donor 0 ml)"
    )
    expect(stdout).toContain("2027-03-13: 1 latches (0 at night, 14 min), pumped 0 ml, supplement 0 ml")
    expect(stdout).toContain("skipped: 1 unknown, 0 invalid")
    expect(stdout).toContain("weight 2027-03-13: 3580 g / 7 lb 14.3 oz")
  })

  it("report.ts writes a PDF that opens with 3 pages and a FHIR Bundle, named after the child and period", async () => {
    const out = join(data, "report")
    const { stdout } = await tsx("src/report.ts", "--out", out)
    const pdf = "relactation-mila-2026-01-04-to-2026-03-05-report.pdf"
    const fhir = "relactation-mila-2026-01-04-to-2026-03-05-fhir.json"
    expect(stdout).toContain(`PDF: ${pdf} (61 days, 61 logged, 9 weigh-ins)`)
    expect(stdout).toContain(`FHIR: ${fhir} (Bundle collection: 1 Patient, 9 body weight Observations)`)
    expect(readdirSync(out).sort()).toEqual([fhir, pdf])
    const info = (await run("pdfinfo", [join(out, pdf)])).stdout
    expect(info).toMatch(/^Pages:\s+3$/m)
    const bundle = JSON.parse(readFileSync(join(out, fhir), "utf8"))
    expect(bundle.resourceType).toBe("Bundle")
    expect(bundle.entry).toHaveLength(10)
  })

  it("effect.ts opens the log as a scoped layer and streams the change it appended", async () => {
    const { stdout } = await tsx("src/effect.ts")
    expect(stdout).toContain("local 1")
    expect(stdout).toContain("days with totals: 1")
  })

  it("sync.ts converges two phones through a relay, and keeps their logs across runs", async () => {
    const first = await tsx("src/sync.ts", "--data", data)
    expect(first.stdout).toContain("start: Sam sees 0 events, Alex sees 0")
    expect(first.stdout).toContain("after sync: Sam 2 events, Alex 2 events")
    expect(first.stdout).toContain("identical totals on both phones: true")
    const second = await tsx("src/sync.ts", "--data", data)
    expect(second.stdout).toContain("start: Sam sees 2 events, Alex sees 2")
    expect(second.stdout).toContain("after sync: Sam 4 events, Alex 4 events")
  })
})
