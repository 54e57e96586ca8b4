import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm", "cjs"],
  // tsup 8.5 passes `baseUrl` to the d.ts build, which TypeScript 6 deprecates; silence only that.
  dts: { entry: "src/index.ts", compilerOptions: { ignoreDeprecations: "6.0" } },
  sourcemap: true,
  clean: true,
  target: "node20",
  external: ["better-sqlite3"],
  // SqliteStorage resolves better-sqlite3 and yjs for its worker thread with import.meta.url, in CJS too.
  shims: true
})
