import { defineConfig } from "tsup"

export default defineConfig({
  // `protocol` is the dependency-free entry the relay imports (`@relactation/core/protocol`).
  entry: { index: "src/index.ts", protocol: "src/Protocol.ts" },
  format: ["esm", "cjs"],
  // tsup 8.5 passes `baseUrl` to the d.ts build, which TypeScript 6 deprecates; silence only that.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  sourcemap: true,
  clean: true,
  target: "node20"
})
