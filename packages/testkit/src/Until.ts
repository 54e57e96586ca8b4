/** Waiting on a condition instead of sleeping, always with a deadline. */

/** Resolves after `ms`; for deliberate pauses (a scenario's random moment), never to wait on an event. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Checks `check` every `everyMs` until it holds; rejects naming `what` after `timeoutMs`. The
 * check may be async (a query to a store). `everyMs = 0` checks on every event-loop turn
 * (`setImmediate`), for a benchmark that times the wait.
 */
export const until = async (
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  everyMs = 10
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await (everyMs === 0 ? new Promise((resolve) => setImmediate(resolve)) : sleep(everyMs))
  }
}
