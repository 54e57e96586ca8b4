/**
 * The relay's counters, rendered in the Prometheus text format for `GET /metrics`. Counts and
 * sizes only: no log ids as labels (unbounded cardinality, and they identify families).
 *
 * @since 0.1.0
 */

/**
 * Why a connection was refused or closed by the relay; used as the `reason` label.
 *
 * @since 0.1.0
 * @category metrics
 */
export type RefusalReason =
  | "missing"
  | "malformed"
  | "bad-signature"
  | "expired"
  | "wrong-log"
  | "forbidden"
  | "bad-log-id"
  | "bad-path"
  | "rate-limited"
  | "too-many-connections"
  | "log-too-many-connections"
  | "shutting-down"
  | "load-failed"
  | "store-unavailable"
  | "too-many-sockets"
  | "address-too-many-sockets"
  | "revoked"
  | "log-deleted"

/**
 * Kinds of errors counted in `relactation_relay_errors_total{kind}`.
 *
 * @since 0.1.0
 * @category metrics
 */
export type ErrorKind =
  | "malformed-message"
  | "bad-update"
  | "too-large"
  | "log-full"
  | "awareness-limit"
  | "pending-limit"
  | "rate-limited"
  | "slow-consumer"
  | "storage"
  | "socket"
  | "internal"

/**
 * Live values the relay reads at scrape time.
 *
 * @since 0.1.0
 * @category metrics
 */
export interface MetricsGauges {
  readonly connections: number
  readonly loadedLogs: number
}

/**
 * Counters of one relay. Cheap to bump from hot paths: plain numbers and two small maps.
 *
 * @since 0.1.0
 * @category metrics
 */
export class Metrics {
  connectionsTotal = 0
  messagesIn = 0
  messagesOut = 0
  bytesIn = 0
  bytesOut = 0
  updatesStored = 0
  bytesStored = 0
  compactions = 0
  readonly refused = new Map<RefusalReason, number>()
  readonly errors = new Map<ErrorKind, number>()

  /** @since 0.1.0 */
  refuse(reason: RefusalReason): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1)
  }

  /** @since 0.1.0 */
  error(kind: ErrorKind): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1)
  }

  /**
   * The Prometheus text exposition (version 0.0.4).
   *
   * @since 0.1.0
   */
  render(gauges: MetricsGauges): string {
    const lines: Array<string> = []
    const metric = (
      name: string,
      type: "gauge" | "counter",
      help: string,
      samples: Array<[string, number]>
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
    }
    const labelled = (label: string, values: Map<string, number>): Array<[string, number]> =>
      [...values.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => [`{${label}="${key}"}`, value])
    metric("relactation_relay_connections", "gauge", "Open websocket connections.", [
      ["", gauges.connections]
    ])
    metric("relactation_relay_loaded_logs", "gauge", "Logs held in memory.", [["", gauges.loadedLogs]])
    metric("relactation_relay_connections_total", "counter", "Accepted websocket connections.", [
      ["", this.connectionsTotal]
    ])
    metric("relactation_relay_messages_in_total", "counter", "Websocket messages received.", [
      ["", this.messagesIn]
    ])
    metric("relactation_relay_messages_out_total", "counter", "Websocket messages sent.", [
      ["", this.messagesOut]
    ])
    metric("relactation_relay_bytes_in_total", "counter", "Websocket bytes received.", [["", this.bytesIn]])
    metric("relactation_relay_bytes_out_total", "counter", "Websocket bytes sent.", [["", this.bytesOut]])
    metric("relactation_relay_updates_stored_total", "counter", "Yjs updates appended to storage.", [
      ["", this.updatesStored]
    ])
    metric("relactation_relay_bytes_stored_total", "counter", "Bytes of Yjs updates appended to storage.", [
      ["", this.bytesStored]
    ])
    metric("relactation_relay_compactions_total", "counter", "Log compactions completed.", [
      ["", this.compactions]
    ])
    metric(
      "relactation_relay_refused_connections_total",
      "counter",
      "Connections refused or closed by a limit, by reason.",
      labelled("reason", this.refused)
    )
    metric("relactation_relay_errors_total", "counter", "Errors, by kind.", labelled("kind", this.errors))
    return `${lines.join("\n")}\n`
  }
}
