/**
 * @relactation/react: React hooks over the Promise API of `@relactation/sync`, built on
 * `useSyncExternalStore` (React 18 and 19): open a log with a component, read its live
 * projections, connection status, peers and running session.
 *
 * @since 0.1.0
 */
export * from "./Presence.js"
export * from "./Projections.js"
export * from "./useLog.js"
