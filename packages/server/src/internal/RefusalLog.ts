/**
 * Log lines for refused upgrades, summarized when they repeat: a flood of wrong tokens must not
 * become a flood of log lines. Per reason, the first `burst` refusals of a window are logged one by
 * one; the rest of that window are counted and logged as one `refuse-repeated` line when it ends.
 */
import type { RefusalReason } from "../Metrics.js"
import type { LogLine } from "./Context.js"

interface Window {
  logged: number
  suppressed: number
  readonly timer: NodeJS.Timeout
}

export class RefusalLog {
  private readonly log: (line: LogLine) => void
  private readonly burst: number
  private readonly windowMs: number
  private readonly windows = new Map<string, Window>()

  constructor(log: (line: LogLine) => void, options: { burst?: number; windowMs?: number } = {}) {
    this.log = log
    this.burst = options.burst ?? 10
    this.windowMs = options.windowMs ?? 60_000
  }

  /** Logs one refusal, or counts it when its reason already used up this window's lines. */
  record(reason: RefusalReason, status: number): void {
    const key = `${reason} ${status}`
    let window = this.windows.get(key)
    if (window === undefined) {
      const timer = setTimeout(() => this.end(key, reason, status), this.windowMs)
      timer.unref()
      window = { logged: 0, suppressed: 0, timer }
      this.windows.set(key, window)
    }
    if (window.logged < this.burst) {
      window.logged++
      this.log({ level: "info", event: "refuse", reason, status })
    } else {
      window.suppressed++
    }
  }

  /** Logs what is still counted and stops the timers (on shutdown). */
  close(): void {
    for (const [key, window] of [...this.windows]) {
      clearTimeout(window.timer)
      const [reason, status] = key.split(" ") as [RefusalReason, string]
      this.end(key, reason, Number(status))
    }
  }

  private end(key: string, reason: RefusalReason, status: number): void {
    const window = this.windows.get(key)
    if (window === undefined) return
    this.windows.delete(key)
    if (window.suppressed > 0)
      this.log({
        level: "info",
        event: "refuse-repeated",
        reason,
        status,
        count: window.suppressed,
        windowMs: this.windowMs
      })
  }
}
