/**
 * @relactation/core: events, wire format v1 and pure projections. No IO.
 *
 * @since 0.1.0
 */
export * from "./Protocol.js"
