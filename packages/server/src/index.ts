/**
 * @relactation/server: a y-websocket relay for family logs, with per-log tokens, SQLite storage,
 * limits, health and metrics.
 *
 * @since 0.1.0
 */
export * from "./Credentials.js"
export * from "./Hooks.js"
export * from "./Limits.js"
export * from "./Metrics.js"
export * from "./PostgresStorage.js"
export * from "./RedisBus.js"
export * from "./Relay.js"
export * from "./SqliteStorage.js"
export * from "./Storage.js"
export * from "./Token.js"
