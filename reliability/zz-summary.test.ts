/**
 * The suite's last file: prints one table of every scenario's row (scenario, attempts, failures,
 * events lost) and writes it to `.results/summary.md`. The reliability project sorts its files by
 * name (see the root vitest.config.ts), so this file runs last (and a row left
 * over from an earlier run is marked stale rather than counted).
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { expect, it } from "vitest"
import { sizeName } from "./size.js"
import { readResults, resultsDir, runId, table } from "./support/results.js"

it("prints the summary table", () => {
  const rows = readResults()
  const current = rows.filter((row) => row.runId === runId())
  const text = table(rows)
  writeFileSync(join(resultsDir, "summary.md"), `${text}\n`)
  console.log(`\nReliability summary (size ${sizeName}, ${current.length} scenarios this run)\n\n${text}\n`)
  for (const row of current) expect(row.eventsLost, `${row.scenario} lost events`).toBe(0)
})
