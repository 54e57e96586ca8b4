/**
 * The third-party modules the suite drives directly (ws, yjs, y-websocket, y-protocols, lib0,
 * better-sqlite3), loaded from the relay package's own dependencies. `reliability/` is not a
 * workspace package, so bare imports would not resolve from here; loading the very files the
 * server and sync packages load also guarantees one Yjs instance in the process.
 */
import { createRequire } from "node:module"
import type BetterSqlite3 from "../../packages/server/node_modules/@types/better-sqlite3/index.js"
import type WebSocketClass from "../../packages/server/node_modules/@types/ws/index.js"
import type * as YWebsocket from "../../packages/server/node_modules/y-websocket/dist/src/y-websocket.js"
import type * as YType from "../../packages/server/node_modules/yjs/dist/src/index.js"

export * as decoding from "../../packages/server/node_modules/lib0/decoding.js"
export * as encoding from "../../packages/server/node_modules/lib0/encoding.js"
export * as awarenessProtocol from "../../packages/server/node_modules/y-protocols/awareness.js"
export * as syncProtocol from "../../packages/server/node_modules/y-protocols/sync.js"

const serverModules = new URL("../../packages/server/node_modules/", import.meta.url)
const at = (path: string): string => new URL(path, serverModules).href

/** The `yjs` module (ESM build, the same file the packages import). */
export const Y: typeof YType = await import(at("yjs/dist/yjs.mjs"))
/** The `ws` WebSocket client class. */
export const WebSocket: typeof WebSocketClass = (await import(at("ws/wrapper.mjs"))).default
/** The `ws` server class. */
export const WebSocketServer: typeof WebSocketClass.Server = (await import(at("ws/wrapper.mjs")))
  .WebSocketServer
/** The stock `WebsocketProvider`, as apps use it. */
export const WebsocketProvider: typeof YWebsocket.WebsocketProvider = (
  await import(at("y-websocket/src/y-websocket.js"))
).WebsocketProvider
/** better-sqlite3, to read the relay's store after a crash. */
export const Database: typeof BetterSqlite3 = createRequire(
  new URL("../../packages/server/package.json", import.meta.url)
)("better-sqlite3")

export type YDoc = YType.Doc
export type WebSocketT = WebSocketClass
export type Provider = YWebsocket.WebsocketProvider
export type SqliteDb = BetterSqlite3.Database
