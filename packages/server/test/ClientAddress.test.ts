import { describe, expect, it } from "vitest"
import { checkTrustProxy, clientAddress } from "../src/internal/ClientAddress.js"
import { startRelay } from "./helpers.js"
import WebSocket from "ws"

describe("clientAddress", () => {
  it("ignores X-Forwarded-For unless a proxy is trusted", () => {
    expect(clientAddress("10.0.0.9", "203.0.113.7", false)).toBe("10.0.0.9")
    expect(clientAddress("::ffff:10.0.0.9", undefined, false)).toBe("10.0.0.9")
  })

  it("behind one proxy takes the entry the proxy appended, not what the client wrote before it", () => {
    // The client wrote "198.51.100.1" itself; nginx appended the real peer 203.0.113.7.
    expect(clientAddress("10.0.0.2", "198.51.100.1, 203.0.113.7", true)).toBe("203.0.113.7")
    expect(clientAddress("10.0.0.2", "198.51.100.1, 203.0.113.7", 1)).toBe("203.0.113.7")
    expect(clientAddress("10.0.0.2", ["198.51.100.1", "203.0.113.7"], 1)).toBe("203.0.113.7")
  })

  it("behind N proxies skips N hops from the right", () => {
    // client-written, real client, first proxy (added by the second proxy); the peer is the second proxy.
    expect(clientAddress("10.0.0.3", "198.51.100.1, 203.0.113.7, 10.0.0.2", 2)).toBe("203.0.113.7")
    // Fewer entries than proxies: the left-most there is.
    expect(clientAddress("10.0.0.3", "203.0.113.7", 5)).toBe("203.0.113.7")
    expect(clientAddress("10.0.0.3", undefined, 1)).toBe("10.0.0.3")
  })

  it("with a list of proxies takes the right-most hop that is not one of them", () => {
    const proxies = ["10.0.0.2", "10.0.0.3"]
    expect(clientAddress("10.0.0.3", "198.51.100.1, 203.0.113.7, 10.0.0.2", proxies)).toBe("203.0.113.7")
    // A peer that is not a listed proxy is the client, whatever its header says.
    expect(clientAddress("203.0.113.9", "198.51.100.1", proxies)).toBe("203.0.113.9")
    expect(clientAddress("::ffff:10.0.0.2", "[2001:db8::1]", ["10.0.0.2"])).toBe("2001:db8::1")
  })

  it("rejects a trustProxy it cannot use, naming the rule", () => {
    expect(() => checkTrustProxy(-1)).toThrow("trustProxy must be a whole number of proxies from 0 to 16")
    expect(() => checkTrustProxy(1.5)).toThrow("whole number")
    expect(() => checkTrustProxy([])).toThrow("trustProxy must be a non-empty list of proxy addresses")
    expect(checkTrustProxy(["10.0.0.2"])).toEqual(["10.0.0.2"])
  })
})

describe("the per-address rate limit behind a trusted proxy", () => {
  it("cannot be dodged by rotating a spoofed left-most X-Forwarded-For entry", async () => {
    await using relay = await startRelay({
      secret: "xff-secret-0123456789-abcdefghijklmnopqrstuvwx",
      trustProxy: true,
      limits: { connectionsPerIpPerMinute: 2 }
    })
    const url = `${relay.url}/family-xff-0001?token=${relay.token("family-xff-0001")}`
    const statusFrom = (forwardedFor: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, { headers: { "X-Forwarded-For": forwardedFor } })
        socket.on("error", () => {})
        socket.on("open", () => {
          socket.terminate()
          resolve(101)
        })
        socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0))
      })
    // Each attempt claims another address first; the proxy-appended hop is always the attacker's.
    const statuses = []
    for (let i = 1; i <= 4; i++) statuses.push(await statusFrom(`198.51.100.${i}, 203.0.113.7`))
    expect(statuses).toEqual([101, 101, 429, 429])
    // Someone else behind the same proxy is not affected.
    expect(await statusFrom("203.0.113.8")).toBe(101)
  })
})
