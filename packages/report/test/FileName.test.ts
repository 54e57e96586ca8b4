import { exportFileName, InvalidReportOptions } from "@relactation/report"
import { describe, expect, it } from "vitest"

describe("exportFileName", () => {
  const base = { child: "Mila", from: "2027-03-01", to: "2027-03-14", what: "report", ext: "pdf" }

  it("carries the child and the period", () => {
    expect(exportFileName(base)).toBe("relactation-mila-2027-03-01-to-2027-03-14-report.pdf")
    expect(exportFileName({ ...base, to: "2027-03-01", what: "daily-totals", ext: "csv" })).toBe(
      "relactation-mila-2027-03-01-daily-totals.csv"
    )
  })

  it("reduces the name to what every file system takes", () => {
    expect(exportFileName({ ...base, child: "Zoë Ångström-Ødegård" })).toBe(
      "relactation-zoe-angstrom-degard-2027-03-01-to-2027-03-14-report.pdf"
    )
    expect(exportFileName({ ...base, child: "../../etc/passwd" })).toBe(
      "relactation-etc-passwd-2027-03-01-to-2027-03-14-report.pdf"
    )
    expect(exportFileName({ ...base, child: "小明" })).toBe(
      "relactation-child-2027-03-01-to-2027-03-14-report.pdf"
    )
    expect(exportFileName({ ...base, child: "a".repeat(100) })).toBe(
      `relactation-${"a".repeat(40)}-2027-03-01-to-2027-03-14-report.pdf`
    )
  })

  it("names the option it refuses", () => {
    const error = (o: Partial<typeof base>) => {
      try {
        exportFileName({ ...base, ...o })
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidReportOptions)
        return (e as Error).message
      }
      return "no error"
    }
    expect(error({ to: "2027-02-01" })).toBe(
      "exportFileName: option to must not be before from (got 2027-02-01, from is 2027-03-01)"
    )
    expect(error({ from: "2027-02-29" })).toContain("option from must be a real date")
    expect(error({ what: "Report!" })).toContain("option what must be 1 to 32 characters")
    expect(error({ ext: ".pdf" })).toContain("option ext must be 1 to 8 characters")
  })
})
