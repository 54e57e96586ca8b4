import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // tsup 8.5 passes `baseUrl` to the d.ts build, which TypeScript 6 deprecates; silence only that.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  sourcemap: true,
  clean: true,
  target: "es2022",
  // React and the sync stay imports: the app brings its own copy of each.
  external: ["react", "@relactation/sync", "@relactation/core"]
})
