/**
 * Starts `relayMain.ts` as a child process on a data folder and reads its JSON log lines. The
 * handle can SIGKILL it, restart it on the same folder and port, and read its resident memory.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { RelayLimits } from "@relactation/server"
import { sleep } from "@relactation/testkit"

const repoRoot = fileURLToPath(new URL("../../", import.meta.url))
const main = fileURLToPath(new URL("./relayMain.ts", import.meta.url))

export interface RelayProcessOptions {
  readonly dataDir: string
  readonly secret: string
  readonly port?: number
  readonly limits?: Partial<RelayLimits>
}

export interface RelayProcess {
  readonly pid: number
  readonly port: number
  readonly url: string
  /** Every JSON log line this process printed, parsed. */
  readonly lines: Array<Record<string, unknown>>
  /** Everything it printed, as text (stdout and stderr), to search for leaks. */
  output(): string
  /** Calls `listener` for each new log line. */
  onLine(listener: (line: Record<string, unknown>) => void): () => void
  /** Resident memory in bytes (VmRSS), or undefined once it exited. */
  rss(): number | undefined
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>
  /** SIGTERM (graceful close), resolved once the process is gone; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

const startOnce = (options: RelayProcessOptions): Promise<RelayProcess> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--conditions=source", "--import", "tsx", main], {
      cwd: repoRoot,
      env: {
        ...process.env,
        RELAY_DATA: options.dataDir,
        RELAY_SECRET: options.secret,
        RELAY_PORT: String(options.port ?? 0),
        RELAY_LIMITS: JSON.stringify(options.limits ?? {})
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    const lines: Array<Record<string, unknown>> = []
    const listeners = new Set<(line: Record<string, unknown>) => void>()
    let text = ""
    let pending = ""
    let started = false
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once("exit", (code, signal) => done({ code, signal }))
    })
    const fail = (why: string) => {
      if (started) return
      started = true
      child.kill("SIGKILL")
      reject(new Error(`relay child did not start: ${why}\n${text.slice(-2_000)}`))
    }
    const timer = setTimeout(() => fail("no listening line within 30 s"), 30_000)
    child.stderr?.on("data", (chunk: Buffer) => {
      text += chunk.toString()
    })
    child.stdout?.on("data", (chunk: Buffer) => {
      const s = chunk.toString()
      text += s
      pending += s
      let newline = pending.indexOf("\n")
      while (newline >= 0) {
        const raw = pending.slice(0, newline)
        pending = pending.slice(newline + 1)
        newline = pending.indexOf("\n")
        let line: Record<string, unknown>
        try {
          line = JSON.parse(raw) as Record<string, unknown>
        } catch {
          continue
        }
        lines.push(line)
        for (const listener of listeners) listener(line)
        if (!started && line.event === "listening" && typeof line.port === "number") {
          started = true
          clearTimeout(timer)
          const port = line.port
          const pid = child.pid as number
          resolve({
            pid,
            port,
            url: `ws://127.0.0.1:${port}`,
            lines,
            output: () => text,
            onLine: (listener) => {
              listeners.add(listener)
              return () => listeners.delete(listener)
            },
            rss: () => {
              try {
                const status = readFileSync(`/proc/${pid}/status`, "utf8")
                const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
                return kb === undefined ? undefined : Number(kb) * 1024
              } catch {
                return undefined
              }
            },
            exited,
            kill: async () => {
              child.kill("SIGKILL")
              await exited
            },
            stop: async (graceMs = 10_000) => {
              child.kill("SIGTERM")
              const timeout = setTimeout(() => child.kill("SIGKILL"), graceMs)
              await exited
              clearTimeout(timeout)
            }
          })
        }
      }
    })
    child.once("exit", (code, signal) => fail(`exited with ${String(code ?? signal)}`))
    child.once("error", (error) => fail(error.message))
  })

/**
 * Starts a relay child. With a fixed `port` (a restart), retries while the old socket lingers.
 */
export const startRelayProcess = async (options: RelayProcessOptions): Promise<RelayProcess> => {
  let lastError: unknown
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await startOnce(options)
    } catch (error) {
      lastError = error
      if (options.port === undefined || !String(error).includes("EADDRINUSE")) throw error
      await sleep(200)
    }
  }
  throw lastError
}
