// @vitest-environment node
// The README's runnable snippets are written to a file and run as a user would (Node, tsx), and each
// `console.log(...) // output` comment in them must match a printed line (testkit's
// describeReadmeSnippets); every snippet here must promise some output.
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describeReadmeSnippets } from "@relactation/testkit/readme"

const here = join(dirname(fileURLToPath(import.meta.url)), "..")

describeReadmeSnippets(join(here, "README.md"), {
  cwd: here,
  name: "packages/react/README.md",
  requireOutput: true
})
