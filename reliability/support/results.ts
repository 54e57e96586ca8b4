/**
 * Each scenario records one row `{ scenario, attempts, failures, eventsLost, notes }` into
 * `reliability/.results/<scenario>.json`; `zz-summary.test.ts` prints them as one table. Rows carry
 * the id of the Vitest run that wrote them (the main Vitest process, parent of every test worker),
 * so a stale row from an earlier run is shown as such, never mixed in silently.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { sizeName } from "../size.js"

export const resultsDir = fileURLToPath(new URL("../.results/", import.meta.url))
const suiteDir = fileURLToPath(new URL("../", import.meta.url))

/** The scenarios of the suite: every `<name>.test.ts` beside the summary, by name, sorted. */
export const expectedScenarios = (): Array<string> =>
  readdirSync(suiteDir)
    .filter((file) => file.endsWith(".test.ts") && file !== "zz-summary.test.ts")
    .map((file) => file.slice(0, -".test.ts".length))
    .sort()

export interface ScenarioResult {
  readonly scenario: string
  /** What was tried, counted (kills, frames, connections, appends). */
  readonly attempts: number
  /** Attempts whose outcome broke a promise of the issue (should be 0). */
  readonly failures: number
  /** Events appended by some client and missing somewhere at the end (must be 0). */
  readonly eventsLost: number
  readonly notes: string
}

interface StoredResult extends ScenarioResult {
  readonly runId: string
  readonly size: string
  readonly seed: number | undefined
  readonly at: string
  readonly durationMs: number
}

export const runId = (): string => String(process.ppid)

/** Writes a scenario's row; call it from `afterAll` or the end of the scenario's test. */
export const record = (
  result: ScenarioResult & { readonly seed?: number; readonly durationMs: number }
): void => {
  mkdirSync(resultsDir, { recursive: true })
  const stored: StoredResult = {
    ...result,
    seed: result.seed,
    runId: runId(),
    size: sizeName,
    at: new Date().toISOString()
  }
  writeFileSync(join(resultsDir, `${result.scenario}.json`), `${JSON.stringify(stored, null, 2)}\n`)
  console.log(
    `[${result.scenario}] attempts ${result.attempts}, failures ${result.failures}, events lost ${result.eventsLost}: ${result.notes}`
  )
}

export const readResults = (): Array<StoredResult> => {
  let files: Array<string> = []
  try {
    files = readdirSync(resultsDir).filter((file) => file.endsWith(".json"))
  } catch {
    return []
  }
  return files
    .map((file) => JSON.parse(readFileSync(join(resultsDir, file), "utf8")) as StoredResult)
    .sort((a, b) => a.scenario.localeCompare(b.scenario))
}

/** The summary table in Markdown. */
export const table = (rows: ReadonlyArray<StoredResult>, current: string = runId()): string => {
  const lines = [
    "| scenario | attempts | failures | events lost | seconds | notes |",
    "|---|---:|---:|---:|---:|---|"
  ]
  for (const row of rows) {
    const stale = row.runId === current ? "" : ` (stale: from an earlier run, ${row.at})`
    lines.push(
      `| ${row.scenario} | ${row.attempts} | ${row.failures} | ${row.eventsLost} | ${(row.durationMs / 1000).toFixed(1)} | ${row.notes}${stale} |`
    )
  }
  return lines.join("\n")
}
