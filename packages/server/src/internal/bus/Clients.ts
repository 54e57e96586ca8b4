/**
 * The Redis connections of the bus (the `redis` client): one to publish, one to subscribe (a
 * subscribed connection can do nothing else) and one for the shared limits.
 */
import { createClient } from "redis"

/**
 * A client that fails fast while Redis is down: a publish goes out now or never (the store's
 * catch-up covers what is lost), never late out of a queue; `reconnectStrategy` decides whether and
 * when it comes back.
 */
export const makeClient = (url: string, reconnectStrategy: (retries: number) => number | Error) => {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    pingInterval: 5_000,
    socket: { connectTimeout: 5_000, reconnectStrategy }
  })
  // Errors also arrive as rejected commands; the event is only for the reconnect loop.
  client.on("error", () => {})
  return client
}

export type Client = ReturnType<typeof makeClient>
