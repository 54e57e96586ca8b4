// Builds the page from the workspace packages' sources (the `source` export condition), so it
// needs no prior package build. No JSX: the page uses createElement, so no React plugin is needed.
import { fileURLToPath } from "node:url"
import { defaultClientConditions, defineConfig } from "vite"

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  resolve: { conditions: ["source", ...defaultClientConditions] },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 900 }
})
