// The clinician's PDF report and FHIR export from the app, in a real Chromium: the download
// happens, carries the child and the period in its name, opens in poppler with the pages the
// layout promises, and shows what was logged on the phone.
import { execFile } from "node:child_process"
import { readFile } from "node:fs/promises"
import { promisify } from "node:util"
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { browserSuite, screenshot } from "./harness.js"
import { berlinInput as berlin, DAY, logMedication, logWeighIn, saveChildProfile } from "./steps.js"

const run = promisify(execFile)
const suite = browserSuite()

const downloadOf = async (page: Page, button: string) => {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button }).click()
  ])
  return { name: download.suggestedFilename(), path: (await download.path())! }
}

describe("the clinician's report from the app", () => {
  it("downloads a PDF report and a FHIR Bundle named after the child and the period", async () => {
    const family = await suite.family()
    const phone = await suite.phone("phoneA", family.link("caregiver-r", "Robin"))
    const { page } = phone
    const now = Date.now()
    const today = berlin(now).slice(0, 10)

    await saveChildProfile(page, { name: "Zoë", born: now - 20 * DAY })

    await page.getByRole("button", { name: "Today" }).click()
    await logWeighIn(page, 3810, berlin(now - 60_000))
    await logMedication(page, "Domperidone")

    await page.getByRole("button", { name: "Settings" }).click()
    await screenshot("report", "01-export", phone)
    const pdf = await downloadOf(page, "Download PDF report")
    expect(pdf.name).toBe(`relactation-zoe-${today}-report.pdf`)
    expect((await readFile(pdf.path)).subarray(0, 5).toString()).toBe("%PDF-")
    expect((await run("pdfinfo", [pdf.path])).stdout).toMatch(/^Pages:\s+2$/m)
    const text = (await run("pdftotext", ["-layout", pdf.path, "-"])).stdout
    expect(text).toContain("Zoë · born")
    expect(text).toContain(`${today} to ${today} (1 day, 1 with entries)`)
    expect(text).toContain("Domperidone × 1")
    expect(text).toMatch(new RegExp(`${today}\\s+0\\s+0\\s+0\\s+0(\\s+0){12}\\s+1\\s+-\\s+3810 g`))

    const fhir = await downloadOf(page, "FHIR (R4) JSON")
    expect(fhir.name).toBe(`relactation-zoe-${today}-fhir.json`)
    const bundle = JSON.parse(await readFile(fhir.path, "utf8"))
    expect(bundle.type).toBe("collection")
    expect(bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toEqual([
      "Patient",
      "Observation"
    ])
    expect(bundle.entry[1].resource.valueQuantity).toMatchObject({ value: 3810, code: "g" })

    // The last 14 days: the same entries, the period in the name and on page 1.
    await page.getByLabel("Report period").selectOption("14")
    const from = berlin(Date.parse(`${today}T12:00:00Z`) - 13 * DAY).slice(0, 10)
    const fortnight = await downloadOf(page, "Download PDF report")
    expect(fortnight.name).toBe(`relactation-zoe-${from}-to-${today}-report.pdf`)
    expect((await run("pdftotext", ["-layout", fortnight.path, "-"])).stdout).toContain(
      "(14 days, 1 with entries)"
    )

    // CSV and JSON exports carry the child and the period too.
    const csv = await downloadOf(page, "Daily totals CSV")
    expect(csv.name).toBe(`relactation-zoe-${today}-daily-totals.csv`)
  })
})
