// One Vitest config, several named projects (Vitest 4 replaced vitest.workspace.ts with `test.projects`).
// Tests import workspace packages from source, so `pnpm test` needs no build first.
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
  { find: /^@relactation\/react$/, replacement: file("./packages/react/src/index.ts") }
]
// The reliability suite runs its files in name order, so `zz-summary.test.ts` prints the table last.
class ByName extends BaseSequencer {
  override async sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId))
  }
}

const project = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: { name, include, environment: "node", ...extra }
})

export default defineConfig({
  test: {
    // CI reads the pass/fail counts from this JSON report (see .ci/run).
    reporters: process.env.VITEST_JSON_OUT
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON_OUT }]]
      : ["default"],
    projects: [
      // Property tests run thousands of folds; on a shared, loaded machine 5 s is not enough.
      project("core", ["packages/core/test/**/*.test.ts"], { testTimeout: 30_000 }),
      project("report", ["packages/report/test/**/*.test.ts"], { testTimeout: 60_000 }),
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
        fileParallelism: false,
        sequence: { sequencer: ByName }
      })
    ]
  }
})
