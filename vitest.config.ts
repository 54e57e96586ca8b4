// One Vitest config, several named projects (Vitest 4 replaced vitest.workspace.ts with `test.projects`).
// Tests import workspace packages from source, so `pnpm test` needs no build first.
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))
const alias = {
  "@relactation/core": src("core"),
  "@relactation/sync": src("sync"),
  "@relactation/server": src("server")
}
const project = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: { name, include, environment: "node", ...extra }
})

export default defineConfig({
  test: {
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".artifacts/vitest.json" }]] : ["default"],
    projects: [
      project("core", ["packages/core/test/**/*.test.ts"]),
      project("server", ["packages/server/test/**/*.test.ts"], { testTimeout: 30_000, hookTimeout: 30_000 }),
      project("sync", ["packages/sync/test/**/*.test.ts"], { testTimeout: 30_000, hookTimeout: 30_000 }),
      project("examples", ["examples/*/test/**/*.test.ts"], {
        testTimeout: 120_000,
        hookTimeout: 180_000,
        fileParallelism: false
      })
    ]
  }
})
