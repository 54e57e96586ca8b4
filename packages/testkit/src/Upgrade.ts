/**
 * Raw HTTP upgrade requests, with the path sent exactly as given: WebSocket clients resolve dot
 * segments (`/x/../y`) and encode the path before sending; an attacker's raw request does not.
 */
import { request } from "node:http"

export interface UpgradeOutcome {
  /** 101 when the relay accepted the upgrade (the socket is then destroyed), else the HTTP status. */
  readonly status: number
  /** The body of a refusal ("" for an accepted upgrade). */
  readonly body: string
}

/** Sends one websocket upgrade request for `path` to the relay at `relayUrl` (ws:// or http://). */
export const rawUpgrade = (relayUrl: string, path: string, timeoutMs = 5_000): Promise<UpgradeOutcome> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(relayUrl)
    const req = request({
      host: hostname,
      port,
      path,
      timeout: timeoutMs,
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="
      }
    })
    req.on("upgrade", (_response, socket) => {
      socket.destroy()
      resolve({ status: 101, body: "" })
    })
    req.on("response", (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => {
        body += chunk
      })
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }))
    })
    req.on("timeout", () => req.destroy(new Error(`no answer to the upgrade of ${path} in ${timeoutMs} ms`)))
    req.on("error", reject)
    req.end()
  })
