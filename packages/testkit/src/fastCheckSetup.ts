/**
 * A vitest `setupFiles` entry: every property test of every project uses the run's seed (`FC_SEED`)
 * and, when `FC_RUNS` is set, that many runs, unless it passes its own. fast-check prints the seed
 * of a failing property in its error; the root config prints the run's seed once at start.
 */
import fc from "fast-check"
import { runSeed, runsFromEnv } from "./Seed.js"

const numRuns = runsFromEnv()
fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  seed: runSeed(),
  ...(numRuns === undefined ? {} : { numRuns })
})
