// One Vitest config, several named projects (Vitest 4 replaced vitest.workspace.ts with `test.projects`).
// Tests import the workspace packages from source; `pnpm test` still builds first, because the
// examples project checks the published shape (examples/embed-node/test/packaging.test.ts loads each
// package's dist/ and runs the relay's bin from it). The other projects need no build.
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"
import { BaseSequencer, type TestSpecification } from "vitest/node"

const file = (path: string) => fileURLToPath(new URL(path, import.meta.url))
// Exact matches, so that subpath exports such as `@relactation/sync/node` resolve too.
const alias = [
  { find: /^@relactation\/core$/, replacement: file("./packages/core/src/index.ts") },
  { find: /^@relactation\/core\/protocol$/, replacement: file("./packages/core/src/Protocol.ts") },
  { find: /^@relactation\/sync$/, replacement: file("./packages/sync/src/index.ts") },
  { find: /^@relactation\/sync\/node$/, replacement: file("./packages/sync/src/node.ts") },
  { find: /^@relactation\/server$/, replacement: file("./packages/server/src/index.ts") },
  { find: /^@relactation\/report$/, replacement: file("./packages/report/src/index.ts") },
  { find: /^@relactation\/react$/, replacement: file("./packages/react/src/index.ts") },
  { find: /^@relactation\/testkit$/, replacement: file("./packages/testkit/src/index.ts") },
  { find: /^@relactation\/testkit\/readme$/, replacement: file("./packages/testkit/src/ReadmeSnippets.ts") }
]

// One seed for the whole run (FC_SEED replays it), drawn here once, printed once, and handed to every
// test worker; the setup file gives it (and FC_RUNS) to fast-check. See packages/testkit.
const seed = process.env.FC_SEED || String(Math.floor(Math.random() * 2 ** 31))
if (!Number.isSafeInteger(Number(seed))) throw new Error(`FC_SEED must be a whole number, got "${seed}"`)
process.env.FC_SEED = seed
console.log(
  `random tests: seed ${seed} (replay with FC_SEED=${seed}${process.env.FC_RUNS ? `, FC_RUNS=${process.env.FC_RUNS}` : ""})`
)
const setupFiles = [file("./packages/testkit/src/fastCheckSetup.ts")]
// The reliability suite runs its files in name order, so `zz-summary.test.ts` comes last. A sequencer
// is a root option (a project's `sequence.sequencer` is ignored), so this one keeps Vitest's order
// (failed first, then slowest first) for every other project.
class ReliabilityByName extends BaseSequencer {
  override async sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const sorted = await super.sort(files)
    const isReliability = (file: TestSpecification) => file.project.name === "reliability"
    return [
      ...sorted.filter((file) => !isReliability(file)),
      ...sorted.filter(isReliability).sort((a, b) => a.moduleId.localeCompare(b.moduleId))
    ]
  }
}

const project = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: { name, include, environment: "node", env: { FC_SEED: seed }, setupFiles, ...extra }
})

export default defineConfig({
  test: {
    sequence: { sequencer: ReliabilityByName },
    // CI reads the pass/fail counts from this JSON report (see .ci/run).
    reporters: process.env.VITEST_JSON_OUT
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON_OUT }]]
      : ["default"],
    projects: [
      // Property tests run thousands of folds; on a shared, loaded machine 5 s is not enough.
      project("core", ["packages/core/test/**/*.test.ts"], { testTimeout: 30_000 }),
      project("report", ["packages/report/test/**/*.test.ts"], { testTimeout: 60_000 }),
      project("testkit", ["packages/testkit/test/**/*.test.ts"], { testTimeout: 30_000 }),
      project("server", ["packages/server/test/**/*.test.ts"], { testTimeout: 30_000, hookTimeout: 30_000 }),
      project("sync", ["packages/sync/test/**/*.test.ts"], { testTimeout: 30_000, hookTimeout: 30_000 }),
      project("react", ["packages/react/test/**/*.test.ts"], {
        environment: "happy-dom",
        testTimeout: 30_000
      }),
      project("examples", ["examples/*/test/**/*.test.ts"], {
        testTimeout: 120_000,
        hookTimeout: 180_000,
        fileParallelism: false
      }),
      project("reliability", ["reliability/**/*.test.ts"], {
        testTimeout: 600_000,
        hookTimeout: 120_000,
        fileParallelism: false
      })
    ]
  }
})
