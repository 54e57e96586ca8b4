/**
 * Group commit, as both stores do it: the appends requested within one event-loop turn (and, while
 * a commit is under way, until it returns) are handed to the store's `commit` together, as one
 * transaction, and each append resolves with its own result only once that commit returned (after
 * COMMIT: durable). A failed commit rejects every append in it; the next group is committed anyway.
 */

/** Commits a group in one transaction; resolves with one result per item, in the group's order. */
export type Commit<A, R> = (group: ReadonlyArray<A>) => Promise<ReadonlyArray<R>>

interface Queued<A, R> {
  readonly item: A
  readonly resolve: (result: R) => void
  readonly reject: (error: unknown) => void
}

export class GroupCommit<A, R> {
  private readonly commit: Commit<A, R>
  /** Items waiting for the next group. */
  private queue: Array<Queued<A, R>> = []
  private scheduled = false
  /** The commit under way, if any: one at a time, what arrives meanwhile forms the next group. */
  private inFlight: Promise<void> | undefined

  constructor(commit: Commit<A, R>) {
    this.commit = commit
  }

  /** Queues an item for the next group; resolves with its result once that group is committed. */
  add(item: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      if (this.scheduled || this.inFlight !== undefined) return
      this.scheduled = true
      setImmediate(() => this.run())
    })
  }

  /** Rejects every item still waiting for a group (the store stopped); commits under way settle on their own. */
  reject(error: unknown): void {
    const queue = this.queue
    this.queue = []
    for (const entry of queue) entry.reject(error)
  }

  /** Commits what is queued now, without waiting for the turn to end, and settles once nothing is queued or under way. */
  async flush(): Promise<void> {
    this.run()
    while (this.inFlight !== undefined) await this.inFlight
  }

  private run(): void {
    this.scheduled = false
    if (this.inFlight !== undefined || this.queue.length === 0) return
    const group = this.queue
    this.queue = []
    this.inFlight = this.start(group).then(
      (results) => {
        this.inFlight = undefined
        if (results.length !== group.length) {
          const error = new Error(
            `a group commit returned ${results.length} results for ${group.length} appends`
          )
          for (const entry of group) entry.reject(error)
        } else for (const [i, entry] of group.entries()) entry.resolve(results[i] as R)
        this.run()
      },
      (error: unknown) => {
        this.inFlight = undefined
        for (const entry of group) entry.reject(error)
        this.run()
      }
    )
  }

  // A commit that throws instead of rejecting fails its group the same way.
  private start(group: ReadonlyArray<Queued<A, R>>): Promise<ReadonlyArray<R>> {
    try {
      return this.commit(group.map((entry) => entry.item))
    } catch (error) {
      return Promise.reject(error)
    }
  }
}
