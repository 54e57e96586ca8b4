/**
 * The suite's last file: prints one table of every scenario's row (scenario, attempts, failures,
 * events lost) and writes it to `.results/summary.md`. The reliability project sorts its files by
 * name (see the root vitest.config.ts), so this file runs last (and a row left over from an earlier
 * run is marked stale rather than counted).
 *
 * It fails unless every scenario of the suite (each other `*.test.ts` file here, by name) wrote a
 * row in this run, and every row has no failure and no lost event.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { expect, it } from "vitest"
import { sizeName } from "./size.js"
import { expectedScenarios, readResults, resultsDir, runId, table } from "./support/results.js"

it("every scenario ran, broke no promise and lost no event", () => {
  const rows = readResults()
  const current = rows.filter((row) => row.runId === runId())
  const text = table(rows)
  writeFileSync(join(resultsDir, "summary.md"), `${text}\n`)
  console.log(`\nReliability summary (size ${sizeName}, ${current.length} scenarios this run)\n\n${text}\n`)
  // Soft, so that one run reports every missing scenario and every bad row at once.
  expect
    .soft(current.map((row) => row.scenario).sort(), "scenarios with a row from this run")
    .toEqual(expectedScenarios())
  for (const row of current) {
    expect.soft(row.failures, `${row.scenario} failures`).toBe(0)
    expect.soft(row.eventsLost, `${row.scenario} lost events`).toBe(0)
  }
})
