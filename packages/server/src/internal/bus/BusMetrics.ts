/**
 * The bus's counters for `GET /metrics`: whether Redis is reachable, how long a message takes from
 * one process's publish to another's receive (a histogram), how often a process had to fetch what
 * it missed from the store, and what was sent and received. Counts only, never log ids.
 */
import type { CatchUpReason } from "./LogFeed.js"

const LAG_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

export class BusMetrics {
  up = false
  published = 0
  publishFailures = 0
  received = 0
  /** Messages that could not be decoded (another version, garbage): ignored. */
  unreadable = 0
  reconnects = 0
  catchUpUpdates = 0
  readonly catchUps = new Map<CatchUpReason, number>()
  catchUpFailures = 0
  /** Shared-limit decisions taken by this process alone because Redis did not answer. */
  localFallbacks = 0
  private readonly lagCounts = LAG_BUCKETS_S.map(() => 0)
  private lagCount = 0
  private lagSum = 0

  lag(seconds: number): void {
    const value = Math.max(0, seconds)
    this.lagCount++
    this.lagSum += value
    for (const [i, bound] of LAG_BUCKETS_S.entries())
      if (value <= bound) this.lagCounts[i] = (this.lagCounts[i] ?? 0) + 1
  }

  catchUp(reason: CatchUpReason, updates: number): void {
    this.catchUps.set(reason, (this.catchUps.get(reason) ?? 0) + 1)
    this.catchUpUpdates += updates
  }

  render(): string {
    const lines: Array<string> = []
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
    }
    metric("relactation_relay_bus_up", "gauge", "1 while Redis (the bus) is reachable.", [
      ["", this.up ? 1 : 0]
    ])
    metric("relactation_relay_bus_messages_out_total", "counter", "Messages published on the bus.", [
      ["", this.published]
    ])
    metric("relactation_relay_bus_publish_failures_total", "counter", "Publishes that failed (Redis down).", [
      ["", this.publishFailures]
    ])
    metric("relactation_relay_bus_messages_in_total", "counter", "Messages received from other processes.", [
      ["", this.received]
    ])
    metric("relactation_relay_bus_unreadable_total", "counter", "Bus messages that could not be decoded.", [
      ["", this.unreadable]
    ])
    metric("relactation_relay_bus_reconnects_total", "counter", "Reconnections to Redis.", [
      ["", this.reconnects]
    ])
    metric(
      "relactation_relay_bus_catch_ups_total",
      "counter",
      "Fetches from the store of what the bus did not deliver, by reason (gap, reconnect, head).",
      [...this.catchUps.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [`{reason="${k}"}`, v])
    )
    metric("relactation_relay_bus_catch_up_updates_total", "counter", "Stored rows fetched by catch-ups.", [
      ["", this.catchUpUpdates]
    ])
    metric("relactation_relay_bus_catch_up_failures_total", "counter", "Catch-ups that failed (retried).", [
      ["", this.catchUpFailures]
    ])
    metric(
      "relactation_relay_bus_local_limit_fallbacks_total",
      "counter",
      "Shared-limit checks decided by this process alone because Redis did not answer.",
      [["", this.localFallbacks]]
    )
    lines.push(
      "# HELP relactation_relay_bus_lag_seconds Time from another process's publish to this one's receive.",
      "# TYPE relactation_relay_bus_lag_seconds histogram"
    )
    for (const [i, bound] of LAG_BUCKETS_S.entries())
      lines.push(`relactation_relay_bus_lag_seconds_bucket{le="${bound}"} ${this.lagCounts[i]}`)
    lines.push(
      `relactation_relay_bus_lag_seconds_bucket{le="+Inf"} ${this.lagCount}`,
      `relactation_relay_bus_lag_seconds_sum ${this.lagSum}`,
      `relactation_relay_bus_lag_seconds_count ${this.lagCount}`
    )
    return `${lines.join("\n")}\n`
  }
}
