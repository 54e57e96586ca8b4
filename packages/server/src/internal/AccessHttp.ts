/**
 * The relay's HTTP endpoints for device access, under `/logs/<logId>` (paths in
 * `@relactation/core/protocol`'s `logPath`): join, renew, invite, devices, revoke, and `DELETE` of
 * the log. Each takes its token as `Authorization: Bearer …` (never in the URL, which proxies log),
 * counts against the address's connection rate, and answers JSON with a stable `error` code. CORS is
 * open: no cookie is ever involved, the bearer token is the whole authority.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { isCredentialId, isLogId } from "@relactation/core/protocol"
import type { Credential } from "../Token.js"
import { type Access, AccessError } from "./Access.js"

const ACTIONS = new Set(["join", "renew", "invite", "devices", "revoke"])
const MAX_BODY_BYTES = 1024

export interface AccessHttpOptions {
  readonly access: Access
  /** Takes one request from the client address's rate allowance. */
  readonly withinRate: (request: IncomingMessage) => boolean
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "authorization, content-type",
  "Access-Control-Max-Age": "600"
}

const send = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { ...CORS, "Content-Type": "application/json", "Cache-Control": "no-store" })
  response.end(body === undefined ? undefined : JSON.stringify(body))
}

const bearer = (request: IncomingMessage): string => {
  const header = request.headers.authorization ?? ""
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim())
  if (match === null) throw new AccessError(401, "missing", "Authorization: expected Bearer <token>")
  return match[1] as string
}

const readBody = (request: IncomingMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > MAX_BODY_BYTES) {
        reject(new AccessError(413, "too-large", `body: must be at most ${MAX_BODY_BYTES} bytes`))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8")
      if (text.trim() === "") return resolve({})
      try {
        resolve(JSON.parse(text))
      } catch {
        reject(new AccessError(400, "malformed-body", "body: must be JSON"))
      }
    })
    request.on("error", reject)
  })

const credentialBody = (credential: Credential) => ({
  credential: credential.token,
  credentialId: credential.credentialId,
  expiresAt: credential.expiresAt
})

const route = async (
  access: Access,
  request: IncomingMessage,
  logId: string,
  action: string | undefined
): Promise<{ status: number; body: unknown }> => {
  const method = request.method ?? "GET"
  const expect = (wanted: string) => {
    if (method !== wanted) throw new AccessError(405, "method-not-allowed", `use ${wanted}`)
  }
  switch (action) {
    case "join":
      expect("POST")
      return { status: 201, body: credentialBody(await access.join(logId, bearer(request))) }
    case "renew":
      expect("POST")
      return { status: 200, body: credentialBody(await access.renew(logId, bearer(request))) }
    case "invite":
      expect("POST")
      return { status: 201, body: await access.invite(logId, bearer(request)) }
    case "devices": {
      expect("GET")
      const token = bearer(request)
      const caller = await access.caller(logId, token)
      const devices = await access.devices(logId, token)
      return {
        status: 200,
        body: {
          self: caller.credentialId ?? null,
          devices: devices.map((device) => ({
            credentialId: device.credentialId,
            expiresAt: device.expiresAt,
            lastSeen: device.lastSeen ?? null,
            revoked: device.revokedAt !== undefined
          }))
        }
      }
    }
    case "revoke": {
      expect("POST")
      const token = bearer(request)
      const body = await readBody(request)
      const credentialId = (body as { credentialId?: unknown } | null)?.credentialId
      if (!isCredentialId(credentialId))
        throw new AccessError(
          400,
          "bad-credential-id",
          "credentialId: must be 22 characters of [A-Za-z0-9_-]"
        )
      const { closed } = await access.revoke(logId, credentialId, token)
      return { status: 200, body: { revoked: credentialId, closed } }
    }
    case undefined:
      expect("DELETE")
      await access.deleteLog(logId, bearer(request))
      return { status: 200, body: { deleted: logId } }
    default:
      throw new AccessError(404, "not-found", "not found")
  }
}

/**
 * Handles a request under `/logs/`; returns `false` for any other path (the caller answers it).
 */
export const accessHandler =
  (options: AccessHttpOptions) =>
  (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = (request.url ?? "/").split("?")[0] ?? "/"
    const segments = path.split("/")
    if (segments[1] !== "logs") return false
    const logId = segments[2] ?? ""
    const action = segments[3]
    if (segments.length > 4 || (action !== undefined && !ACTIONS.has(action))) {
      send(response, 404, { error: "not-found", message: "not found" })
      return true
    }
    if (request.method === "OPTIONS") {
      send(response, 204, undefined)
      return true
    }
    if (!isLogId(logId)) {
      send(response, 400, { error: "bad-log-id", message: "logId: must be 8-64 characters of [A-Za-z0-9_-]" })
      return true
    }
    if (!options.withinRate(request)) {
      send(response, 429, { error: "rate-limited", message: "too many requests from this address" })
      return true
    }
    route(options.access, request, logId, action).then(
      ({ status, body }) => send(response, status, body),
      (error: unknown) => {
        if (error instanceof AccessError)
          send(response, error.status, { error: error.code, message: error.message })
        else send(response, 500, { error: "internal", message: "internal error" })
      }
    )
    return true
  }
