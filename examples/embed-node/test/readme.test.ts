// The packages' READMEs promise runnable snippets: every ```ts block marked `<!-- runnable -->` is
// written to a file here and run as a user would, and each `console.log(...) // output` comment in it
// must match a printed line, so the documentation cannot drift from the API (testkit's
// describeReadmeSnippets).
import { describeReadmeSnippets } from "@relactation/testkit/readme"

const here = new URL("..", import.meta.url).pathname
const root = new URL("../../../", import.meta.url).pathname

for (const readme of ["packages/core/README.md", "packages/sync/README.md", "packages/report/README.md"]) {
  describeReadmeSnippets(`${root}${readme}`, { cwd: here, name: readme })
}
