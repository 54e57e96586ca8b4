// Shared by the report tests: a seeded 60-day family log from the benchmark generator (the run's
// one seed, FC_SEED, which vitest.config.ts draws and prints; FC_SEED=<n> replays it), and poppler (Debian's poppler-utils) to read a PDF back as a
// person's viewer would: pdfinfo, pdftotext -layout, pdftoppm.
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { generateLog } from "../../../bench/generate.js"
import { runSeed, seedFor } from "../../testkit/src/index.js"

const run = promisify(execFile)

export const seed = runSeed()
let printed = false
/** The generated 60-day log of this run (seed printed once). */
export const sixtyDays = () => {
  if (!printed) {
    seedFor("report log")
    printed = true
  }
  return generateLog({ days: 60, seed })
}

export const scratch = mkdtempSync(join(tmpdir(), "report-test-"))

const poppler = async (tool: string, args: Array<string>): Promise<string> => {
  try {
    return (await run(tool, args, { maxBuffer: 64 * 1024 * 1024 })).stdout
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`${tool} is missing: apt-get install -y poppler-utils`)
    }
    throw error
  }
}

/** Writes the bytes to a file and returns its path. */
export const save = (name: string, bytes: Uint8Array): string => {
  const path = join(scratch, name)
  writeFileSync(path, bytes)
  return path
}

/** pdfinfo's fields (Pages, Title, ...); fails when poppler cannot open the file. */
export const pdfInfo = async (path: string): Promise<Record<string, string>> => {
  const out = await poppler("pdfinfo", [path])
  return Object.fromEntries(
    out
      .split("\n")
      .filter((l) => l.includes(":"))
      .map((l) => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()])
  )
}

/** The text of the PDF, laid out as on the page. */
export const pdfText = (path: string): Promise<string> => poppler("pdftotext", ["-layout", path, "-"])

/** Renders every page to PNG and returns the files' paths. */
export const pdfImages = async (path: string, prefix: string): Promise<Array<string>> => {
  const out = join(scratch, prefix)
  await poppler("pdftoppm", ["-r", "50", "-png", path, out])
  const { readdirSync } = await import("node:fs")
  return readdirSync(scratch)
    .filter((f) => f.startsWith(`${prefix}-`) && f.endsWith(".png"))
    .sort()
    .map((f) => join(scratch, f))
}
