/**
 * The bus between several relay processes: Redis pub/sub, with the `redis` client. After an update
 * is committed to the shared store, its relay publishes it with its sequence number; every process
 * that has the log loaded relays it to its own clients. Redis may drop messages (a subscriber cut
 * off, a restart): a process that sees a gap in the numbers, or reconnects, fetches what it missed
 * from the store, which stays the truth. Presence goes through the bus too and is never stored.
 * Shared limits (connections per log, the per-address rate) are Redis counters with expiry.
 *
 * @since 0.2.0
 */
import { randomBytes } from "node:crypto"
import { BusMetrics } from "./internal/bus/BusMetrics.js"
import { type Client, makeClient } from "./internal/bus/Clients.js"
import { Limiter } from "./internal/bus/Limiter.js"
import { type BusMessage, channels, decodeEnvelope, encodeEnvelope } from "./internal/bus/Wire.js"

/**
 * What a loaded log hears from the other processes.
 *
 * @since 0.2.0
 * @category bus
 */
export interface BusLogHandlers {
  readonly update: (seq: number, update: Uint8Array) => void
  readonly head: (seq: number) => void
  readonly awareness: (frame: Uint8Array) => void
  readonly queryAwareness: () => void
}

/**
 * Options of {@link RedisBus.connect}.
 *
 * @since 0.2.0
 * @category bus
 */
export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  readonly url: string
  /** Prefix of every channel and key; default `relactation`. Processes of one deployment share it. */
  readonly prefix?: string
  /** This process's id on the bus; default random. */
  readonly instance?: string
  /** How long a shared-limit check may take before the process decides alone; default 500 ms. */
  readonly commandTimeoutMs?: number
  /** Sink for log lines (ids and counts only). */
  readonly log?: (line: Record<string, unknown>) => void
}

/**
 * The bus could not be set up at start: a bad URL or an unreachable Redis. The message names what
 * failed, never a password.
 *
 * @since 0.2.0
 * @category errors
 */
export class BusUnavailableError extends Error {
  readonly _tag = "BusUnavailableError"
  override readonly name = "BusUnavailableError"
}

/** The URL without its password, for messages. */
const redact = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    return "(unparseable URL)"
  }
}

/**
 * A connection to the bus, shared by every loaded log of one relay process. Give it to
 * `createRelay({ bus })` together with a shared store; the relay does not close a bus it was given.
 *
 * @since 0.2.0
 * @category bus
 */
export class RedisBus {
  /** This process's id on the bus. */
  readonly instance: string
  /** @internal */
  readonly metrics = new BusMetrics()
  private readonly publisher: Client
  private readonly subscriber: Client
  private readonly limiter: Client
  private readonly limits: Limiter
  private readonly channel: ReturnType<typeof channels>
  private readonly log: (line: Record<string, unknown>) => void
  private readonly logs = new Map<string, BusLogHandlers>()
  /** Logs whose SUBSCRIBE went through (the client resubscribes them after a reconnect). */
  private readonly subscribed = new Set<string>()
  /** Logs whose last publish failed, with the highest number we hold: announced when Redis is back. */
  private readonly unannounced = new Map<string, number>()
  private readonly reconnectListeners = new Set<() => void>()
  private readonly revokeListeners = new Set<(logId: string, credential: string) => void>()
  /** Publishes on their way to Redis (awaited by `flush`, so a draining relay hands over all it has). */
  private readonly inFlight = new Set<Promise<unknown>>()
  private closed = false
  private closing: Promise<void> | undefined = undefined

  private constructor(
    clients: { publisher: Client; subscriber: Client; limiter: Client },
    options: RedisBusOptions & { readonly instance: string }
  ) {
    this.instance = options.instance
    this.publisher = clients.publisher
    this.subscriber = clients.subscriber
    this.limiter = clients.limiter
    const prefix = options.prefix ?? "relactation"
    this.channel = channels(prefix)
    this.log = options.log ?? (() => {})
    this.metrics.up = true
    this.limits = new Limiter(clients.limiter, {
      instance: this.instance,
      prefix,
      timeoutMs: options.commandTimeoutMs ?? 500,
      metrics: this.metrics
    })
  }

  /**
   * Connects to Redis (three connections: publish, subscribe, limits) and resolves once all answer.
   * Rejects with {@link BusUnavailableError} for a bad URL or an unreachable server; once started,
   * the connections come back by themselves after an outage.
   *
   * @since 0.2.0
   */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    let parsed: URL
    try {
      parsed = new URL(options.url)
    } catch {
      throw new BusUnavailableError("bus: the Redis URL is not a URL (expected redis://host:port)")
    }
    if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
      throw new BusUnavailableError(
        `bus: the Redis URL must start with redis:// or rediss:// (got "${parsed.protocol}//")`
      )
    const instance = options.instance ?? `relay-${randomBytes(6).toString("hex")}`
    let started = false
    // At start a failure is final (the relay must not half-start); later, retry quickly.
    const make = (role: string): Client =>
      makeClient(options.url, (retries) =>
        started
          ? Math.min(50 * 2 ** retries, 1_000)
          : new BusUnavailableError(`bus: ${role} connection failed`)
      )
    const publisher = make("publish")
    const subscriber = make("subscribe")
    const limiter = make("limits")
    try {
      await Promise.all([publisher.connect(), subscriber.connect(), limiter.connect()])
      await limiter.ping()
    } catch (error) {
      for (const client of [publisher, subscriber, limiter]) client.destroy()
      const code = (error as { code?: unknown }).code
      throw new BusUnavailableError(
        `bus: Redis at ${redact(options.url)} is unreachable${typeof code === "string" ? ` (${code})` : ""}`
      )
    }
    started = true
    const bus = new RedisBus({ publisher, subscriber, limiter }, { ...options, instance })
    bus.watch()
    await bus.subscriber.subscribe(bus.channel.control, bus.onMessage, true)
    await bus.limits.beat()
    return bus
  }

  /** Whether Redis is reachable right now. */
  get up(): boolean {
    return this.metrics.up
  }

  private watch(): void {
    const down = () => {
      if (this.closed || !this.metrics.up) return
      this.metrics.up = false
      this.log({ level: "warn", event: "bus-down" })
    }
    for (const client of [this.publisher, this.subscriber, this.limiter]) {
      client.on("reconnecting", down)
      client.on("end", down)
    }
    // The client resubscribes what was subscribed before 'ready'; what failed meanwhile is done here.
    this.subscriber.on("ready", () => {
      if (this.closed) return
      this.metrics.reconnects++
      void this.resubscribe().then(() => {
        this.refreshUp()
        this.log({ level: "info", event: "bus-up" })
        for (const listener of this.reconnectListeners) listener()
      })
    })
    this.publisher.on("ready", () => {
      this.refreshUp()
      this.announce()
    })
    this.limiter.on("ready", () => this.refreshUp())
  }

  private refreshUp(): void {
    this.metrics.up = this.publisher.isReady && this.subscriber.isReady && this.limiter.isReady
  }

  private async resubscribe(): Promise<void> {
    const missing = [...this.logs.keys()].filter((logId) => !this.subscribed.has(logId))
    await Promise.all(missing.map((logId) => this.trySubscribe(logId)))
  }

  /** Calls `listener` after every reconnection of the subscriber (whatever was published meanwhile is lost). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener)
    return () => this.reconnectListeners.delete(listener)
  }

  /**
   * Listens to one log's channels. Resolves once Redis confirmed the subscription, or at once when
   * Redis is down (the subscription is made when it is back, followed by a catch-up), so loading a
   * log never waits on Redis.
   */
  async subscribe(logId: string, handlers: BusLogHandlers): Promise<void> {
    this.logs.set(logId, handlers)
    await this.trySubscribe(logId)
  }

  private async trySubscribe(logId: string): Promise<void> {
    if (this.closed || !this.subscriber.isReady) return
    try {
      await this.subscriber.subscribe(
        [this.channel.updates(logId), this.channel.awareness(logId)],
        this.onMessage,
        true
      )
      if (this.logs.has(logId)) this.subscribed.add(logId)
    } catch {
      // Redis went away meanwhile: done again on 'ready'.
    }
  }

  /** Stops listening to a log (it was unloaded). */
  unsubscribe(logId: string): void {
    this.logs.delete(logId)
    this.subscribed.delete(logId)
    this.unannounced.delete(logId)
    if (this.closed || !this.subscriber.isReady) return
    this.subscriber
      .unsubscribe([this.channel.updates(logId), this.channel.awareness(logId)], this.onMessage, true)
      .catch(() => {})
  }

  /** Publishes an update that is committed under `seq` (never one that is not). */
  publishUpdate(logId: string, seq: number, update: Uint8Array): void {
    this.send(this.channel.updates(logId), { kind: "update", logId, seq, update }, seq)
  }

  /** Publishes presence of this process's own clients. */
  publishAwareness(logId: string, frame: Uint8Array): void {
    this.send(this.channel.awareness(logId), { kind: "awareness", logId, frame })
  }

  /** Asks the other processes for their clients' presence on a log. */
  queryAwareness(logId: string): void {
    this.send(this.channel.awareness(logId), { kind: "query-awareness", logId })
  }

  /**
   * Tells every other process that a credential is revoked (`credential` empty: the log was
   * deleted), so each closes the sockets it opened with it. Resolves once Redis took the message;
   * rejects while Redis is down (the credential store still keeps the revocation).
   */
  async revoke(logId: string, credential: string): Promise<void> {
    const message: BusMessage = { kind: "revoke", logId, credential }
    await this.publisher.publish(
      this.channel.control,
      Buffer.from(encodeEnvelope({ instance: this.instance, sentAt: Date.now(), message }))
    )
    this.metrics.published++
  }

  /** Calls `listener` for every revocation another process published. */
  onRevoke(listener: (logId: string, credential: string) => void): () => void {
    this.revokeListeners.add(listener)
    return () => this.revokeListeners.delete(listener)
  }

  private send(channel: string, message: BusMessage, seq?: number): void {
    if (this.closed) return
    const payload = Buffer.from(encodeEnvelope({ instance: this.instance, sentAt: Date.now(), message }))
    const failed = () => {
      this.metrics.publishFailures++
      // The others learn the number when Redis is back, and fetch the update from the store.
      if (seq !== undefined && this.logs.has(message.logId))
        this.unannounced.set(message.logId, Math.max(seq, this.unannounced.get(message.logId) ?? 0))
    }
    if (!this.publisher.isReady) {
      failed()
      return
    }
    const sent = this.publisher.publish(channel, payload).then(
      () => {
        this.metrics.published++
      },
      () => failed()
    )
    this.inFlight.add(sent)
    void sent.finally(() => this.inFlight.delete(sent))
  }

  /** Settles once every publish made so far went out (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight])
  }

  private announce(): void {
    const heads = [...this.unannounced]
    this.unannounced.clear()
    for (const [logId, seq] of heads)
      this.send(this.channel.updates(logId), { kind: "head", logId, seq }, seq)
  }

  private readonly onMessage = (payload: Buffer): void => {
    const envelope = decodeEnvelope(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength))
    if (envelope === undefined) {
      this.metrics.unreadable++
      return
    }
    // Our own messages come back to us: never apply them twice, never loop.
    if (envelope.instance === this.instance) return
    this.metrics.received++
    this.metrics.lag((Date.now() - envelope.sentAt) / 1000)
    const { message } = envelope
    if (message.kind === "revoke") {
      for (const listener of this.revokeListeners) listener(message.logId, message.credential)
      return
    }
    const handlers = this.logs.get(message.logId)
    if (handlers === undefined) return
    switch (message.kind) {
      case "update":
        handlers.update(message.seq, message.update)
        return
      case "head":
        handlers.head(message.seq)
        return
      case "awareness":
        handlers.awareness(message.frame)
        return
      case "query-awareness":
        handlers.queryAwareness()
        return
    }
  }

  /**
   * Whether one more connection to `logId` fits under `limit` for the whole deployment, this
   * process holding `count` with the new one. Undefined when Redis did not answer (decide locally).
   */
  admitConnection(logId: string, count: number, limit: number): Promise<boolean | undefined> {
    return this.limits.admitConnection(logId, count, limit)
  }

  /** This process now holds `count` connections to `logId` (after a disconnect, or a refused upgrade). */
  setConnections(logId: string, count: number): void {
    this.limits.setConnections(logId, count)
  }

  /** Takes one connection from the address's deployment-wide allowance; undefined when Redis did not answer. */
  takeRate(address: string, perMinute: number): Promise<boolean | undefined> {
    return this.limits.takeRate(address, perMinute)
  }

  /** The bus's Prometheus lines. */
  renderMetrics(): string {
    return this.metrics.render()
  }

  /** Leaves the deployment (our counts stop counting at once) and closes the connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    await this.limits.leave()
    this.closed = true
    this.metrics.up = false
    for (const client of [this.publisher, this.subscriber, this.limiter]) {
      if (client.isOpen) await client.close().catch(() => client.destroy())
    }
  }
}
