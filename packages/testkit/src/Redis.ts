/**
 * A real `redis-server` for tests: on a free port of 127.0.0.1, with a temporary folder and no
 * persistence (`--save "" --appendonly no`), so a restart loses everything, like a crashed cache.
 * `killSubscribers()` cuts every pub/sub connection (`CLIENT KILL TYPE pubsub`): the messages
 * published until the clients resubscribe are lost, which is what Redis pub/sub does under load.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { findBinary, freePort } from "./Binaries.js"

/** A running Redis started by {@link startRedis}. */
export interface RedisFixture {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Sends one command and resolves with the reply's first line (`+OK`, `:3`, `$5`…). */
  command(...args: ReadonlyArray<string>): Promise<string>
  /** Kills every pub/sub connection; resolves with how many were killed. */
  killSubscribers(): Promise<number>
  /**
   * Keeps killing every pub/sub connection for `ms` (each one that comes back is cut again), so
   * whatever is published meanwhile is lost for sure; resolves with how many kills there were.
   */
  dropSubscribersFor(ms: number): Promise<number>
  /** Stops the server (its data is gone); `startServer` brings it back on the same port. */
  stopServer(): Promise<void>
  startServer(): Promise<void>
  /** `stopServer` then `startServer`. */
  restart(): Promise<void>
  /** Stops the server and removes its folder. Idempotent. */
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

const encode = (args: ReadonlyArray<string>): string =>
  `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`

/** One command on a fresh connection; the reply's first line. */
export const redisCommand = (port: number, args: ReadonlyArray<string>, timeoutMs = 2_000): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1")
    let received = ""
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`redis on port ${port} did not answer ${args[0]} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on("connect", () => socket.write(encode(args)))
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8")
      const end = received.indexOf("\r\n")
      if (end === -1) return
      clearTimeout(timer)
      socket.destroy()
      const line = received.slice(0, end)
      if (line.startsWith("-")) reject(new Error(`redis: ${line.slice(1)}`))
      else resolve(line)
    })
    socket.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })

const waitForExit = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))

interface Launched {
  readonly child: ChildProcess | undefined
  readonly output: string
}

/** Starts one redis-server on `port`; resolves once it answers PING, or with its output when it exited. */
const launch = async (binary: string, port: number, dir: string): Promise<Launched> => {
  let output = ""
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"].concat([
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--loglevel",
      "warning"
    ]),
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-4_000)
  }
  child.stdout?.on("data", collect)
  child.stderr?.on("data", collect)
  const deadline = Date.now() + 10_000
  while (child.exitCode === null && Date.now() < deadline) {
    const pong = await redisCommand(port, ["PING"], 500).catch(() => undefined)
    if (pong === "+PONG") return { child, output }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill("SIGKILL")
  await waitForExit(child)
  return { child: undefined, output }
}

/**
 * Starts `redis-server` (`REDIS_SERVER`, else `/usr/bin/redis-server` or `PATH`) and resolves once
 * it answers PING.
 */
export const startRedis = async (): Promise<RedisFixture> => {
  const binary = findBinary("redis-server", "REDIS_SERVER", "redis-server", ["/usr/bin/redis-server"])
  const dir = mkdtempSync(join(tmpdir(), "relactation-redis-"))
  let child: ChildProcess | undefined
  let stopped = false
  let port = 0
  try {
    // Another process may take the free port before the bind: try a few.
    for (let attempt = 0; child === undefined; attempt++) {
      port = await freePort()
      const launched = await launch(binary, port, dir)
      child = launched.child
      if (child === undefined && attempt >= 2)
        throw new Error(
          `redis-server did not start on port ${port}: ${launched.output.trim() || "no output"}`
        )
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }

  const stopServer = async (): Promise<void> => {
    const running = child
    child = undefined
    if (running === undefined) return
    running.kill("SIGKILL")
    await waitForExit(running)
  }

  // A restart keeps the port, so clients reconnect to the address they know; the old process's
  // port can linger for a moment, so the bind is retried for a few seconds.
  const startServer = async (): Promise<void> => {
    if (stopped) throw new Error("the redis fixture was stopped")
    if (child !== undefined) return
    const deadline = Date.now() + 10_000
    let output = ""
    while (Date.now() < deadline) {
      const launched = await launch(binary, port, dir)
      if (launched.child !== undefined) {
        child = launched.child
        return
      }
      output = launched.output
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`redis-server did not restart on port ${port}: ${output.trim() || "no output"}`)
  }

  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await stopServer()
    rmSync(dir, { recursive: true, force: true })
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    command: (...args) => redisCommand(port, args),
    killSubscribers: async () => {
      const reply = await redisCommand(port, ["CLIENT", "KILL", "TYPE", "pubsub"])
      return Number(reply.slice(1))
    },
    dropSubscribersFor: async (ms) => {
      const until = Date.now() + ms
      let killed = 0
      while (Date.now() < until) {
        killed += Number((await redisCommand(port, ["CLIENT", "KILL", "TYPE", "pubsub"])).slice(1))
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      return killed
    },
    stopServer,
    startServer,
    restart: async () => {
      await stopServer()
      await startServer()
    },
    stop,
    [Symbol.asyncDispose]: stop
  }
}
