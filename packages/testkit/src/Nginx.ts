/**
 * A real nginx in front of relays, running the shipped `packages/server/deploy/nginx.conf`: the
 * fixture replaces only its two marked parts (the relays' addresses, the listen line) and wraps it
 * in a main config whose pid, logs and temp folders live in a temporary folder, on a free port.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir, userInfo } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { findBinary, freePort } from "./Binaries.js"

/** The deploy config the relay package ships. */
export const SHIPPED_NGINX_CONF = fileURLToPath(new URL("../../server/deploy/nginx.conf", import.meta.url))

/** A running nginx started by {@link startNginx}. */
export interface NginxFixture {
  /** `ws://127.0.0.1:<port>`, what a phone takes as its relay URL. */
  readonly url: string
  readonly port: number
  /** The access log so far (one line per request: method, path without query, status, upstream). */
  accessLog(): string
  /** Stops nginx and removes its folder. Idempotent. */
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

const between = (text: string, marker: string, replacement: string): string => {
  const begin = `# ${marker}: begin`
  const end = `# ${marker}: end`
  const from = text.indexOf(begin)
  const to = text.indexOf(end)
  if (from === -1 || to === -1) throw new Error(`nginx config: no "${begin}" … "${end}" block`)
  return `${text.slice(0, from + begin.length)}\n${replacement}\n  ${text.slice(to)}`
}

/**
 * The shipped site config for these relays on this port, with its access log moved to `dir`.
 * Exported so a test can check what the fixture changed (only the two marked blocks).
 */
export const siteConfig = (
  shipped: string,
  relays: ReadonlyArray<{ readonly host: string; readonly port: number }>,
  port: number,
  dir: string
): string => {
  const servers = relays
    .map((relay) => `  server ${relay.host}:${relay.port} max_fails=1 fail_timeout=10s;`)
    .join("\n")
  return between(between(shipped, "relays", servers), "listen", `  listen 127.0.0.1:${port};`).replace(
    "/var/log/nginx/relactation.log",
    join(dir, "access.log")
  )
}

const reachable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

const waitForExit = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))

/**
 * Starts nginx (`NGINX`, else `/usr/sbin/nginx` or `PATH`) in front of `relays` with the shipped
 * config (or `config`, a path) and resolves once it accepts connections.
 */
export const startNginx = async (options: {
  readonly relays: ReadonlyArray<{ readonly host: string; readonly port: number }>
  readonly config?: string
}): Promise<NginxFixture> => {
  const binary = findBinary("nginx", "NGINX", "nginx", ["/usr/sbin/nginx"])
  const dir = mkdtempSync(join(tmpdir(), "relactation-nginx-"))
  const shipped = readFileSync(options.config ?? SHIPPED_NGINX_CONF, "utf8")
  let child: ChildProcess | undefined
  let port = 0
  let output = ""
  try {
    for (let attempt = 0; child === undefined; attempt++) {
      port = await freePort()
      writeFileSync(join(dir, "relactation.conf"), siteConfig(shipped, options.relays, port, dir))
      // Run as root (CI), the workers would switch to "nobody", who cannot open the temp folder.
      const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : ""
      writeFileSync(
        join(dir, "nginx.conf"),
        `${user}worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${join(dir, "body")};
  proxy_temp_path ${join(dir, "proxy")};
  fastcgi_temp_path ${join(dir, "fastcgi")};
  uwsgi_temp_path ${join(dir, "uwsgi")};
  scgi_temp_path ${join(dir, "scgi")};
  include ${join(dir, "relactation.conf")};
}
`
      )
      output = ""
      const started = spawn(binary, ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], {
        stdio: ["ignore", "pipe", "pipe"]
      })
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(-4_000)
      }
      started.stdout?.on("data", collect)
      started.stderr?.on("data", collect)
      const deadline = Date.now() + 10_000
      while (started.exitCode === null && Date.now() < deadline && !(await reachable(port)))
        await new Promise((resolve) => setTimeout(resolve, 50))
      if (started.exitCode === null && (await reachable(port))) {
        child = started
        break
      }
      started.kill("SIGKILL")
      await waitForExit(started)
      if (attempt >= 2 || !/Address already in use/i.test(output))
        throw new Error(`nginx did not start on port ${port}: ${output.trim() || "no output"}`)
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }

  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    const running = child
    if (running !== undefined) {
      // SIGTERM is nginx's fast shutdown: it closes the proxied websockets at once.
      running.kill("SIGTERM")
      const killer = setTimeout(() => running.kill("SIGKILL"), 5_000)
      await waitForExit(running)
      clearTimeout(killer)
    }
    rmSync(dir, { recursive: true, force: true })
  }

  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    accessLog: () => {
      try {
        return readFileSync(join(dir, "access.log"), "utf8")
      } catch {
        return ""
      }
    },
    stop,
    [Symbol.asyncDispose]: stop
  }
}
