/**
 * What every figure gets from the runner: the sizes to run at, the seed, and generated logs
 * (made once per size and shared, since the 10-year log takes seconds to generate).
 */
import { type FamilyLog, generateLog, ONE_YEAR, TEN_YEARS } from "./generate.js"
import type { Row } from "./table.js"

export interface Context {
  readonly smoke: boolean
  readonly seed: number
  /** Days of history for the "1 year" and "10 years" sizes (tiny in smoke mode). */
  readonly sizes: ReadonlyArray<number>
  log(days: number): FamilyLog
  /** Progress lines on stderr, so stdout carries the table only. */
  say(message: string): void
}

export type Figure = (ctx: Context) => Promise<Array<Row>>

export const makeContext = (options: { smoke: boolean; seed: number }): Context => {
  const logs = new Map<number, FamilyLog>()
  return {
    ...options,
    sizes: options.smoke ? [7, 30] : [ONE_YEAR, TEN_YEARS],
    log(days) {
      let log = logs.get(days)
      if (log === undefined) {
        const t0 = performance.now()
        log = generateLog({ days, seed: options.seed })
        logs.set(days, log)
        this.say(
          `generated ${days} days: ${log.events.length} events in ${Math.round(performance.now() - t0)} ms`
        )
      }
      return log
    },
    say(message) {
      process.stderr.write(`[bench] ${message}\n`)
    }
  }
}

/** "1 y" or "10 y" for the full sizes, the day count in smoke mode. */
export const isFirstSize = (ctx: Context, days: number): boolean => days === ctx.sizes[0]
