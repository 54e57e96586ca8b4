/**
 * What a loaded log needs from a connection, and the one peer that is no connection: the bus.
 */

/** What a document needs from a connection. */
export interface Peer {
  send(message: Uint8Array): void
  close(code: number, reason: string): void
}

/**
 * The origin of what other relay processes committed (and of their clients' presence): no socket,
 * so it is relayed to every connection here and never stored or published again.
 */
export const BUS_PEER: Peer = { send: () => {}, close: () => {} }
