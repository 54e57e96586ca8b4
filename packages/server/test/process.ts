// Runs the real CLI (from source, through tsx) as a child process, as an operator would.
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url))
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url))

export interface CliRun {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

export const runCli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): CliRun => {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", CLI, ...args], {
    cwd: PACKAGE_DIR,
    env: {
      ...process.env,
      RELAY_SECRET: "",
      RELAY_HOST: "",
      RELAY_PORT: "",
      RELAY_DATA: "",
      RELAY_STORE: "",
      RELAY_BUS: "",
      ...env
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

export interface Served extends CliRun {
  readonly port: number
  readonly url: string
}

/** Starts `serve` and resolves with the port from its JSON "listening" line, as soon as it is printed. */
export const serve = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Served> => {
  const run = runCli(["serve", "--port", "0", ...args], env)
  return new Promise<Served>((resolve, reject) => {
    const timer = setTimeout(() => {
      run.child.kill("SIGKILL")
      reject(new Error("serve did not start within 15 s"))
    }, 15_000)
    const onData = () => {
      const line = run
        .stdout()
        .split("\n")
        .find((candidate) => candidate.includes('"event":"listening"') && candidate.endsWith("}"))
      if (line === undefined) return
      clearTimeout(timer)
      run.child.stdout?.off("data", onData)
      const { port, url } = JSON.parse(line) as { port: number; url: string }
      resolve({ ...run, port, url })
    }
    run.child.stdout?.on("data", onData)
    void run.exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`serve exited early: ${run.stderr()}`))
    })
  })
}
