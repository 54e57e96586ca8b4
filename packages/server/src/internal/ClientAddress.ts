/**
 * Which address a request comes from, for the per-address limits. Behind a reverse proxy the socket's
 * peer is the proxy, and the client's address is in `X-Forwarded-For`; but only the entries the
 * trusted proxies appended can be believed: anything to their left was written by the client.
 */

/**
 * How far the relay believes `X-Forwarded-For`: `false` not at all (the socket's peer is the
 * client), a number of proxies in front of the relay (`true` is 1), or the addresses of the proxies.
 */
export type TrustProxy = boolean | number | ReadonlyArray<string>

/** Strips an IPv4-mapped IPv6 prefix and brackets, so `::ffff:10.0.0.1` and `10.0.0.1` compare equal. */
const normalize = (address: string): string => {
  let value = address.trim()
  if (value.startsWith("[") && value.includes("]")) value = value.slice(1, value.indexOf("]"))
  if (value.toLowerCase().startsWith("::ffff:") && value.includes(".")) value = value.slice(7)
  return value
}

/**
 * The client's address: walking from the socket's peer leftwards through `X-Forwarded-For`, the
 * first hop that is not a trusted proxy. With a count, the peer and the right-most `count - 1`
 * entries are proxies; with a list, every hop whose address is on it is one. When every hop is a
 * trusted proxy, the left-most entry is the best there is.
 */
export const clientAddress = (
  peer: string | undefined,
  forwardedFor: string | ReadonlyArray<string> | undefined,
  trust: TrustProxy
): string => {
  const socketAddress = peer === undefined ? "unknown" : normalize(peer)
  if (trust === false || trust === 0) return socketAddress
  const header = typeof forwardedFor === "string" ? forwardedFor : (forwardedFor ?? []).join(",")
  const entries = header
    .split(",")
    .map(normalize)
    .filter((entry) => entry.length > 0)
  // Right to left: the socket's peer, then each X-Forwarded-For entry from the last one.
  const hops = [socketAddress, ...entries.reverse()]
  if (typeof trust === "boolean" || typeof trust === "number") {
    const proxies = trust === true ? 1 : trust
    return hops[Math.min(proxies, hops.length - 1)] ?? socketAddress
  }
  const trusted = new Set(trust.map(normalize))
  for (const hop of hops) if (!trusted.has(hop)) return hop
  return hops[hops.length - 1] ?? socketAddress
}

/** Whether the socket's peer is itself one of the trusted proxies (its own per-address caps then do not apply). */
export const isTrustedPeer = (peer: string | undefined, trust: TrustProxy): boolean => {
  if (trust === false || trust === 0 || peer === undefined) return false
  if (typeof trust === "boolean" || typeof trust === "number") return true
  return trust.map(normalize).includes(normalize(peer))
}

/** Checks a `trustProxy` option, naming the rule. */
export const checkTrustProxy = (trust: TrustProxy): TrustProxy => {
  if (typeof trust === "boolean") return trust
  if (typeof trust === "number") {
    if (!Number.isInteger(trust) || trust < 0 || trust > 16)
      throw new Error("trustProxy must be a whole number of proxies from 0 to 16")
    return trust
  }
  if (
    !Array.isArray(trust) ||
    trust.length === 0 ||
    trust.some((entry) => typeof entry !== "string" || normalize(entry).length === 0)
  )
    throw new Error("trustProxy must be a non-empty list of proxy addresses")
  return trust
}
