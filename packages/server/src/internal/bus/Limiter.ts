/**
 * The shared limits' side of the bus: runs the Lua scripts of `SharedLimits.ts` on their own
 * connection with a short command timeout (an upgrade never waits long on Redis: no answer means
 * "decide locally"), beats this process's heartbeat, remembers its connection counts to put them
 * back after Redis restarted empty, and takes them out when the process leaves.
 */
import type { BusMetrics } from "./BusMetrics.js"
import type { Client } from "./Clients.js"
import {
  ADMIT_CONNECTION,
  HEARTBEAT,
  INSTANCE_TTL_MS,
  limitKeys,
  SET_CONNECTIONS,
  TAKE_RATE
} from "./SharedLimits.js"

export class Limiter {
  private readonly client: Client
  private readonly instance: string
  private readonly keys: ReturnType<typeof limitKeys>
  private readonly timeoutMs: number
  private readonly metrics: BusMetrics
  /** This process's connection count per log, re-sent after Redis restarts (it keeps no data). */
  private readonly counts = new Map<string, number>()
  private readonly heartbeat: NodeJS.Timeout
  private left = false

  constructor(
    client: Client,
    options: { instance: string; prefix: string; timeoutMs: number; metrics: BusMetrics }
  ) {
    this.client = client
    this.instance = options.instance
    this.keys = limitKeys(options.prefix)
    this.timeoutMs = options.timeoutMs
    this.metrics = options.metrics
    this.heartbeat = setInterval(() => void this.beat(), INSTANCE_TTL_MS / 3)
    this.heartbeat.unref()
    client.on("ready", () => {
      void this.beat()
      for (const [logId, count] of this.counts) this.setConnections(logId, count)
    })
  }

  private async eval(script: string, keys: Array<string>, args: Array<string>): Promise<number | undefined> {
    if (this.left || !this.client.isReady) return undefined
    try {
      const reply = await this.client
        .withCommandOptions({ timeout: this.timeoutMs })
        .eval(script, { keys, arguments: args })
      return Number(reply)
    } catch {
      return undefined
    }
  }

  async beat(): Promise<void> {
    await this.eval(HEARTBEAT, [this.keys.instances], [this.instance, String(INSTANCE_TTL_MS)])
  }

  async admitConnection(logId: string, count: number, limit: number): Promise<boolean | undefined> {
    const reply = await this.eval(
      ADMIT_CONNECTION,
      [this.keys.connections(logId), this.keys.instances],
      [this.instance, String(count), String(limit), String(INSTANCE_TTL_MS)]
    )
    if (reply === undefined) {
      this.metrics.localFallbacks++
      return undefined
    }
    if (reply === 1) this.counts.set(logId, count)
    return reply === 1
  }

  setConnections(logId: string, count: number): void {
    if (count <= 0) this.counts.delete(logId)
    else this.counts.set(logId, count)
    void this.eval(SET_CONNECTIONS, [this.keys.connections(logId)], [this.instance, String(count)])
  }

  async takeRate(address: string, perMinute: number): Promise<boolean | undefined> {
    const reply = await this.eval(TAKE_RATE, [this.keys.rate(address)], [String(perMinute)])
    if (reply === undefined) {
      this.metrics.localFallbacks++
      return undefined
    }
    return reply === 1
  }

  /** Our counts stop counting at once (a SIGKILLed process's stop after `INSTANCE_TTL_MS`). */
  async leave(): Promise<void> {
    clearInterval(this.heartbeat)
    await Promise.all(
      [...this.counts.keys()].map((logId) =>
        this.eval(SET_CONNECTIONS, [this.keys.connections(logId)], [this.instance, "0"])
      )
    )
    if (this.client.isReady) await this.client.zRem(this.keys.instances, this.instance).catch(() => 0)
    this.left = true
  }
}
