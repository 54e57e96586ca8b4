/**
 * One scenario's frame: its seed (printed; `FC_SEED` replays it), its seeded randomness, the row
 * it fills in as it goes (attempts, failures, events lost, notes) and the steps that end it. After
 * the scenario's tests, the steps run (latest first) and the row is recorded for the summary,
 * whether the tests passed or not. A test that failed before the scenario counted anything (an
 * assertion half-way, a timeout) still counts as a failure in the row, so the summary never shows
 * 0 for a scenario that did not finish.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { prng, seedFor } from "@relactation/testkit"
import { afterAll, beforeEach } from "vitest"
import { record } from "./results.js"

export interface Row {
  /** What was tried, counted (kills, frames, connections, appends). */
  attempts: number
  /** Attempts whose outcome broke a promise of the suite; the summary requires 0. */
  failures: number
  /** Events appended by some client and missing somewhere at the end; the summary requires 0. */
  eventsLost: number
  readonly notes: Array<string>
}

export interface Scenario {
  readonly name: string
  readonly seed: number
  /** The scenario's seeded randomness (derive more with `prng(seed, salt)`). */
  readonly random: () => number
  readonly row: Row
  /** A step run when the scenario ends (stop a relay, close phones), latest first. */
  onEnd(step: () => unknown): void
  /** A fresh temp folder, removed when the scenario ends. */
  tempDir(prefix: string): string
}

export const scenario = (name: string): Scenario => {
  const seed = seedFor(name)
  const started = Date.now()
  const steps: Array<() => unknown> = []
  const row: Row = { attempts: 0, failures: 0, eventsLost: 0, notes: [] }
  const failedTests: Array<string> = []
  beforeEach(({ onTestFailed }) => {
    onTestFailed(({ task }) => {
      const error = task.result?.errors?.[0]
      failedTests.push(`${task.name}: ${error?.message?.split("\n")[0] ?? "failed"}`)
    })
  })
  afterAll(async () => {
    for (const step of steps.reverse()) {
      try {
        await step()
      } catch (error) {
        row.notes.push(`an end step failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    if (failedTests.length > 0) row.notes.push(`test failed: ${failedTests.join("; ")}`)
    record({
      scenario: name,
      attempts: row.attempts,
      failures: Math.max(row.failures, failedTests.length),
      eventsLost: row.eventsLost,
      notes: row.notes.join("; "),
      seed,
      durationMs: Date.now() - started
    })
  })
  return {
    name,
    seed,
    random: prng(seed),
    row,
    onEnd: (step) => {
      steps.push(step)
    },
    tempDir: (prefix) => {
      const dir = mkdtempSync(join(tmpdir(), prefix))
      steps.push(() => rmSync(dir, { recursive: true, force: true }))
      return dir
    }
  }
}
