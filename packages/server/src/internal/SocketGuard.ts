/**
 * Caps on open sockets, counted from the moment a TCP connection is accepted (before a header
 * byte): per remote address and in total. Without them, a thousand half-sent upgrades from one
 * address hold a thousand file descriptors until the header timeout, and `/healthz` stops answering.
 * A trusted proxy's own connections are exempt from the per-address cap: its clients share its address.
 */
import type { Socket } from "node:net"
import type { RelayLimits } from "../Limits.js"
import { isTrustedPeer, type TrustProxy } from "./ClientAddress.js"

export class SocketGuard {
  private readonly limits: RelayLimits
  private readonly trust: TrustProxy
  private readonly perAddress = new Map<string, number>()
  private total = 0

  constructor(limits: RelayLimits, trust: TrustProxy) {
    this.limits = limits
    this.trust = trust
  }

  get open(): number {
    return this.total
  }

  /** Counts a new socket; destroys it and says why when a cap is reached. */
  admit(socket: Socket): "too-many-sockets" | "address-too-many-sockets" | undefined {
    const address = socket.remoteAddress ?? "unknown"
    const exempt = isTrustedPeer(socket.remoteAddress, this.trust)
    const fromAddress = this.perAddress.get(address) ?? 0
    const refused =
      this.total >= this.limits.maxSockets
        ? "too-many-sockets"
        : !exempt && fromAddress >= this.limits.maxSocketsPerAddress
          ? "address-too-many-sockets"
          : undefined
    if (refused !== undefined) {
      socket.destroy()
      return refused
    }
    this.total++
    this.perAddress.set(address, fromAddress + 1)
    socket.once("close", () => {
      this.total--
      const left = (this.perAddress.get(address) ?? 1) - 1
      if (left === 0) this.perAddress.delete(address)
      else this.perAddress.set(address, left)
    })
    return undefined
  }
}
