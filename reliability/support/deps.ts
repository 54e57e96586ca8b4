/**
 * The third-party modules the suite drives directly (ws, yjs, y-websocket, y-protocols,
 * better-sqlite3), in one place. They resolve to the same files the packages use, so the process
 * holds one Yjs instance.
 */
import type * as YWebsocketModule from "y-websocket"
import type * as YModule from "yjs"
import type WebSocketClass from "ws"
import type BetterSqlite3 from "better-sqlite3"

export * as syncProtocol from "y-protocols/sync"
export { default as Database } from "better-sqlite3"
export { WebsocketProvider } from "y-websocket"
export { default as WebSocket, WebSocketServer } from "ws"
export * as Y from "yjs"

export type YDoc = YModule.Doc
export type WebSocketT = WebSocketClass
export type Provider = YWebsocketModule.WebsocketProvider
export type SqliteDb = BetterSqlite3.Database
