// Shared fixtures for the relay tests: temp folders, real y-websocket clients and raw ws clients;
// waiting on events instead of sleeping, frames and raw upgrades come from @relactation/testkit.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { encodeUpdate, type PostgresServer, startPostgres } from "@relactation/testkit"
import { afterAll, beforeAll } from "vitest"
import { createRelay, PostgresStorage, type RelayHandle, type RelayOptions } from "../src/index.js"
import { runCli } from "../src/internal/Cli.js"
import WebSocket from "ws"
import { WebsocketProvider } from "y-websocket"
import * as Y from "yjs"

export { awarenessFrame, encodeSyncStep1, frame, rawUpgrade, until } from "@relactation/testkit"

/** A temp folder removed on dispose. */
export const tempDir = (): { path: string; [Symbol.dispose](): void } => {
  const path = mkdtempSync(join(tmpdir(), "relay-test-"))
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) }
}

export interface Client {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  readonly events: Y.Array<string>
  /** Close events the provider saw, in order. */
  readonly closes: Array<{ code: number; reason: string }>
  synced(): Promise<void>
  [Symbol.dispose](): void
}

/** A stock `WebsocketProvider` on `logId`, exactly as an app would create it. */
export const client = (url: string, logId: string, token: string): Client => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, logId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200
  })
  const closes: Array<{ code: number; reason: string }> = []
  provider.on("connection-close", (event) => {
    if (event !== null) closes.push({ code: event.code, reason: event.reason })
  })
  return {
    doc,
    provider,
    events: doc.getArray<string>("events"),
    closes,
    synced: () =>
      provider.synced
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const onSync = (state: boolean) => {
              if (!state) return
              provider.off("sync", onSync)
              resolve()
            }
            provider.on("sync", onSync)
          }),
    [Symbol.dispose]: () => {
      provider.destroy()
      doc.destroy()
    }
  }
}

export interface RawClient {
  readonly socket: WebSocket
  readonly messages: Array<Uint8Array>
  readonly closed: Promise<{ code: number; reason: string }>
  [Symbol.dispose](): void
}

/** A bare ws client, for sending bytes no well-behaved client would send. */
export const rawClient = (url: string): RawClient => {
  const socket = new WebSocket(url)
  const messages: Array<Uint8Array> = []
  socket.on("message", (data: Buffer) => messages.push(new Uint8Array(data)))
  socket.on("error", () => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }))
  })
  return { socket, messages, closed, [Symbol.dispose]: () => socket.terminate() }
}

export const opened = (socket: WebSocket): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.once("open", () => resolve())
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`unexpected response ${response.statusCode}`))
    )
    socket.once("error", reject)
  })

/** The HTTP status a refused upgrade answered with. */
export const refusal = (url: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    socket.on("error", () => {})
    socket.on("open", () => {
      socket.terminate()
      reject(new Error("the upgrade was accepted"))
    })
    socket.on("message", () => reject(new Error("received a websocket message")))
    socket.on("unexpected-response", (_request, response) => {
      let body = ""
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString()
      })
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }))
    })
  })

/** A sync update message carrying one event pushed into `events`. */
export const updateMessage = (event: string): Uint8Array => {
  const doc = new Y.Doc()
  doc.getArray<string>("events").push([event])
  return encodeUpdate(Y.encodeStateAsUpdate(doc))
}

export const silent = (): void => {}

/**
 * A relay on a free port with its own temp data folder (real SQLite), silent unless `log` is
 * given; disposing it closes the relay and removes the folder. `dir` stays the same folder when the
 * test restarts a relay on it (`startRelay({ dataDir: first.dir })`: then the caller keeps it).
 */
export const startRelay = async (
  options: Partial<RelayOptions> = {}
): Promise<RelayHandle & { readonly dir: string }> => {
  const own = options.dataDir === undefined ? tempDir() : undefined
  const dir = options.dataDir ?? (own as { path: string }).path
  try {
    const relay = await createRelay({ port: 0, log: silent, ...options, dataDir: dir })
    const close = async () => {
      await relay.close()
      own?.[Symbol.dispose]()
    }
    return { ...relay, dir, close, [Symbol.asyncDispose]: close }
  } catch (error) {
    own?.[Symbol.dispose]()
    throw error
  }
}

/**
 * The close code of an upgrade that is accepted only to be closed (what a browser sees of a
 * revoked credential or a deleted log); -1 when the relay admitted it (its sync step 1 arrived).
 */
export const closeCodeOf = (url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    socket.on("error", () => {})
    socket.on("unexpected-response", (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)))
    socket.on("close", (code) => resolve(code))
    socket.on("message", () => {
      socket.terminate()
      resolve(-1)
    })
  })

/** A request to the relay's access endpoints (`/logs/…`): POST by default, the token as Bearer. */
export const accessRequest = (
  relay: { readonly url: string },
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {}
): Promise<{ status: number; body: Record<string, unknown> }> =>
  fetch(`${relay.url.replace(/^ws/, "http")}${path}`, {
    method: init.method ?? "POST",
    headers: {
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      ...(init.body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as Record<string, unknown>
  }))

/**
 * A relay of its own on a Postgres database (its own pool and listening connection: what another
 * process would have), with the store's credentials; disposing it closes the relay and the store.
 */
export const startPostgresRelay = async (
  url: string,
  options: Partial<RelayOptions> & { readonly secret: string }
): Promise<RelayHandle> => {
  const storage = await PostgresStorage.open({ url })
  const relay = await createRelay({ port: 0, log: silent, ...options, storage }).catch(async (error) => {
    await storage.close()
    throw error
  })
  const close = async () => {
    await relay.close()
    await storage.close()
  }
  return { ...relay, close, [Symbol.asyncDispose]: close }
}

/** Runs `relactation-relay` in this process with exactly `env`; resolves with its exit code and output. */
export const cli = async (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>
): Promise<{ code: number; stdout: string; stderr: string }> => {
  let stdout = ""
  let stderr = ""
  const code = await runCli(args, env, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text)
  })
  return { code, stdout, stderr }
}

/**
 * One real Postgres for the test file (started before its tests, stopped after) and a fresh
 * database per call, so tests never see each other's rows.
 */
export const postgresForFile = (prefix: string): { database(): Promise<string> } => {
  let server: PostgresServer | undefined
  let databases = 0
  beforeAll(async () => {
    server = await startPostgres()
  })
  afterAll(async () => {
    await server?.stop()
  })
  return { database: () => (server as PostgresServer).database(`${prefix}_${++databases}`) }
}
