// The Redis fixture against the real redis-server it starts: a free port, no persistence, a
// restart on the same port that loses the data, and cutting the pub/sub connections.
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { findBinary, type RedisFixture, redisCommand, startRedis, until } from "../src/index.js"

let redis: RedisFixture
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis.stop())

/** A raw subscriber that counts the messages it gets and notices when it is cut off. */
const subscriber = (port: number, channel: string) => {
  const socket = connect(port, "127.0.0.1")
  const state = { messages: 0, closed: false, subscribed: false }
  let buffer = ""
  socket.on("connect", () => socket.write(`SUBSCRIBE ${channel}\r\n`))
  socket.on("data", (chunk) => {
    buffer += chunk.toString("utf8")
    state.subscribed ||= buffer.includes("subscribe")
    state.messages = buffer.split("$7\r\nmessage\r\n").length - 1
  })
  socket.on("close", () => {
    state.closed = true
  })
  socket.on("error", () => {})
  return { state, close: () => socket.destroy() }
}

describe("startRedis", () => {
  it("answers on its own port and keeps nothing across a restart", async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`)
    expect(await redis.command("SET", "k", "v")).toBe("+OK")
    expect(await redis.command("GET", "k")).toBe("$1")
    await redis.restart()
    expect(await redis.command("GET", "k")).toBe("$-1")
  })

  it("is unreachable while stopped and back on the same port after startServer", async () => {
    await redis.stopServer()
    await expect(redisCommand(redis.port, ["PING"], 500)).rejects.toThrow()
    await redis.startServer()
    expect(await redis.command("PING")).toBe("+PONG")
  })

  it("cuts every subscriber connection, and only those", async () => {
    const sub = subscriber(redis.port, "ch")
    await until("the subscription", () => sub.state.subscribed)
    expect(await redis.command("PUBLISH", "ch", "x")).toBe(":1")
    await until("the message", () => sub.state.messages === 1)
    expect(await redis.killSubscribers()).toBe(1)
    await until("the subscriber to be cut off", () => sub.state.closed)
    expect(await redis.command("PUBLISH", "ch", "y")).toBe(":0")
    expect(await redis.command("PING")).toBe("+PONG")
    sub.close()
  })
})

describe("findBinary", () => {
  it("says what to install when the program is missing", () => {
    const saved = process.env.PATH
    process.env.PATH = "/nonexistent"
    try {
      expect(() => findBinary("no-such-server", "NO_SUCH_SERVER", "no-such-server")).toThrow(
        'no-such-server not found: this test starts a real no-such-server. Install it with "apt-get install no-such-server"'
      )
    } finally {
      process.env.PATH = saved
    }
  })

  it("refuses an environment variable that names no program", () => {
    process.env.NO_SUCH_SERVER = "/nonexistent/redis-server"
    try {
      expect(() => findBinary("redis-server", "NO_SUCH_SERVER", "redis-server")).toThrow(
        "NO_SUCH_SERVER=/nonexistent/redis-server is not an executable redis-server"
      )
    } finally {
      delete process.env.NO_SUCH_SERVER
    }
  })
})
