#!/usr/bin/env node
// Entry point of the `relactation-relay` bin; the logic lives in internal/Cli.ts.
import { runCli } from "./internal/Cli.js"

runCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text)
}).then(
  (code) => {
    process.exitCode = code
  },
  () => {
    process.exitCode = 1
  }
)
