// Which Chromium the browser tests drive, so that `pnpm test` passes on a machine with only Node.js
// and npm: an explicit path, else the system's Chromium, else the one that comes inside the npm
// package @sparticuz/chromium (a dev dependency, unpacked once into node_modules/.cache).
// Nothing is ever downloaded from outside the npm registry.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { arch, platform } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { brotliDecompressSync } from "node:zlib"
import { type Browser, chromium } from "playwright-core"

/** Set to a Chromium (or Chrome) executable to use it and nothing else. */
export const BROWSER_ENV = "RELACTATION_CHROMIUM"
/** Set to 1 to skip the system's Chromium (used to prove the npm fallback works). */
export const NO_SYSTEM_ENV = "RELACTATION_NO_SYSTEM_CHROMIUM"

/** Where the system's Chromium usually is, in the order they are tried. */
export const SYSTEM_CHROMIUMS: ReadonlyArray<string> = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/snap/bin/chromium",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
]

export interface FoundBrowser {
  readonly source: "env" | "system" | "npm"
  readonly executablePath: string
  /** Extra environment for the browser process (the npm build's own libraries and fonts). */
  readonly env: Readonly<Record<string, string>>
}

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))
const require = createRequire(import.meta.url)

// A minimal ustar reader: the npm build's shared libraries (NSS, expat) come as a small tar that
// @sparticuz/chromium only unpacks on Amazon Linux; every other Linux needs them too when it lacks them.
const untar = (tar: Buffer, into: string): void => {
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512)
    const name = header.toString("utf8", 0, 100).replace(/\0.*$/s, "")
    if (name === "") return
    const size = Number.parseInt(header.toString("utf8", 124, 136).replace(/\0.*$/s, "").trim(), 8)
    const type = String.fromCharCode(header[156] ?? 48)
    const path = join(into, name)
    if (type === "5") mkdirSync(path, { recursive: true })
    else if (type === "0" || type === "\0") {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, tar.subarray(at + 512, at + 512 + size), { mode: 0o755 })
    }
    at += 512 + Math.ceil(size / 512) * 512
  }
}

/** Unpacks the Chromium inside @sparticuz/chromium once (into node_modules/.cache) and returns it. */
const npmChromium = async (): Promise<FoundBrowser | undefined> => {
  let pkgJson: string
  try {
    // Its exports map hides package.json: resolve the entry (build/cjs/index.cjs) and go up.
    pkgJson = join(dirname(require.resolve("@sparticuz/chromium")), "..", "..", "package.json")
  } catch {
    return undefined
  }
  if (platform() !== "linux" || (arch() !== "x64" && arch() !== "arm64")) return undefined
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version
  const dir = join(repoRoot, "node_modules", ".cache", "relactation-chromium", version)
  const found = (): FoundBrowser => ({
    source: "npm",
    executablePath: join(dir, "chromium"),
    env: { LD_LIBRARY_PATH: join(dir, "al2023", "lib"), FONTCONFIG_PATH: join(dir, "fonts") }
  })
  if (existsSync(join(dir, "chromium")) && existsSync(join(dir, "al2023", "lib"))) return found()
  // Unpack into a folder of our own, then rename it into place: two test files starting at the same
  // time never see a half-written binary. The package unpacks into os.tmpdir(), which reads TMPDIR.
  const staging = `${dir}.${process.pid}.${Date.now()}`
  mkdirSync(staging, { recursive: true })
  const tmpdir = process.env.TMPDIR
  process.env.TMPDIR = staging
  try {
    const { default: Chromium } = await import("@sparticuz/chromium")
    await Chromium.executablePath(join(dirname(pkgJson), "bin"))
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = tmpdir
  }
  untar(
    brotliDecompressSync(readFileSync(join(dirname(pkgJson), "bin", "al2023.tar.br"))),
    join(staging, "al2023")
  )
  // The package's fonts.conf points at /tmp/fonts; ours points at the unpacked fonts (written with
  // the final folder's paths) and the system's fonts, if it has any.
  writeFileSync(
    join(staging, "fonts", "fonts.conf"),
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${join(dir, "fonts", "fonts")}</dir>
  <dir>/usr/share/fonts</dir>
  <dir>/usr/local/share/fonts</dir>
  <dir prefix="xdg">fonts</dir>
  <cachedir>${join(dir, "fonts-cache")}</cachedir>
</fontconfig>
`
  )
  try {
    renameSync(staging, dir)
  } catch {
    rmSync(staging, { recursive: true, force: true }) // another process got there first
  }
  return found()
}

export interface FindOptions {
  readonly env?: NodeJS.ProcessEnv
  readonly systemPaths?: ReadonlyArray<string>
  /** Whether to fall back to the npm package's Chromium (default true). */
  readonly npm?: boolean
}

/** Finds a Chromium: $RELACTATION_CHROMIUM, then the system's, then the npm package's; fails clearly. */
export const findChromium = async (options: FindOptions = {}): Promise<FoundBrowser> => {
  const env = options.env ?? process.env
  const systemPaths = options.systemPaths ?? SYSTEM_CHROMIUMS
  const explicit = env[BROWSER_ENV]
  if (explicit !== undefined && explicit !== "") {
    if (!existsSync(explicit))
      throw new Error(
        `${BROWSER_ENV} is set to ${explicit}, which does not exist: point it at a Chromium executable`
      )
    return { source: "env", executablePath: explicit, env: {} }
  }
  if (env[NO_SYSTEM_ENV] !== "1") {
    const system = systemPaths.find((p) => existsSync(p))
    if (system !== undefined) return { source: "system", executablePath: system, env: {} }
  }
  const npm = options.npm === false ? undefined : await npmChromium()
  if (npm !== undefined) return npm
  throw new Error(
    [
      "The browser tests found no Chromium.",
      `Tried: $${BROWSER_ENV} (not set), ${env[NO_SYSTEM_ENV] === "1" ? `not the system's (${NO_SYSTEM_ENV}=1)` : systemPaths.join(", ")},`,
      `and the npm package @sparticuz/chromium (a dev dependency of examples/web, installed by pnpm install;`,
      `it has a Chromium for Linux x64 and arm64 only, this is ${platform()} ${arch()}).`,
      `Set ${BROWSER_ENV}=/path/to/chromium, or install Chromium (Debian/Ubuntu: apt-get install -y chromium).`
    ].join(" ")
  )
}

/** Launches the Chromium findChromium picks, headless, with the flags the tests need. */
export const launchChromium = async (options: FindOptions = {}): Promise<Browser> => {
  const found = await findChromium(options)
  return chromium.launch({
    executablePath: found.executablePath,
    env: { ...process.env, ...found.env },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
      // The npm build is chrome-headless-shell for serverless hosts: no zygote, no setuid sandbox.
      ...(found.source === "npm" ? ["--no-zygote", "--disable-setuid-sandbox"] : [])
    ]
  })
}
