// A tiny static file server for the built app (dist/), used by the demo and the browser tests.
// Unknown paths get index.html (single-page app); index.html and the service worker are never
// cached by the browser so a new build is picked up on the next load.
import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { extname, join, normalize, resolve, sep } from "node:path"

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8"
}

/**
 * Security headers on every response. The app loads only its own scripts (no inline script, no
 * eval), talks to whichever relay the family chose (`ws:`/`wss:`, and its access API over `https:`, or `http:` on this computer), and may not be framed by another
 * site (clickjacking a "join" or "export" button); no page sends its URL, which may carry an invite,
 * as a referrer. `public/_headers` carries the same for static hosts that read that file.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // The relay's HTTP side too (credential renewal, devices): https, or http on this machine.
    "connect-src 'self' ws: wss: https: http://localhost:* http://127.0.0.1:*",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'"
  ].join("; "),
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

export interface StaticServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export const serveStatic = async (
  dir: string,
  options: { host?: string; port?: number } = {}
): Promise<StaticServer> => {
  const root = resolve(dir)
  const server: Server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)
      let file = normalize(join(root, path))
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403, SECURITY_HEADERS).end()
        return
      }
      let info = await stat(file).catch(() => undefined)
      if (info?.isDirectory()) {
        file = join(file, "index.html")
        info = await stat(file).catch(() => undefined)
      }
      if (!info?.isFile()) {
        if (extname(path) !== "") {
          res.writeHead(404, { ...SECURITY_HEADERS, "content-type": "text/plain" }).end("not found\n")
          return
        }
        file = join(root, "index.html")
        info = await stat(file)
      }
      const name = file.slice(root.length + 1)
      const immutable = name.startsWith("assets/")
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": info.size,
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache"
      })
      if (req.method === "HEAD") res.end()
      else createReadStream(file).pipe(res)
    } catch {
      res.writeHead(500, SECURITY_HEADERS).end()
    }
  })
  await new Promise<void>((ok, fail) => {
    server.once("error", fail)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => ok())
  })
  const { port } = server.address() as AddressInfo
  const host = options.host ?? "127.0.0.1"
  return {
    port,
    url: `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      })
  }
}
