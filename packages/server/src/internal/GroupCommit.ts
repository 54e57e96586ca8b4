/**
 * Group commit, as both stores do it: the appends requested within one event-loop turn (and, while
 * a commit is under way, until it returns, unless `overlap`) are handed to the store's `commit`
 * together, as one transaction, and each append resolves with its own result only once that commit
 * returned (after COMMIT: durable). A failed commit rejects every append in it; the next group is
 * committed anyway.
 */

/** Commits a group in one transaction; resolves with one result per item, in the group's order. */
export type Commit<A, R> = (group: ReadonlyArray<A>) => Promise<ReadonlyArray<R>>

interface Queued<A, R> {
  readonly item: A
  readonly resolve: (result: R) => void
  readonly reject: (error: unknown) => void
}

export interface GroupCommitOptions {
  /**
   * Whether a turn's group is handed to `commit` while an earlier one is still under way. Without
   * (the default: Postgres, where two transactions at once would wait on the same counter rows),
   * one commit runs at a time and what arrives meanwhile waits for it, then goes as the next group.
   * With it (SQLite: its worker commits one transaction at a time anyway, and merges the groups
   * that waited for it into one), every group goes at the end of its turn, so it does not also wait
   * for the previous commit's answer to travel back to this thread.
   */
  readonly overlap?: boolean
}

export class GroupCommit<A, R> {
  private readonly commit: Commit<A, R>
  private readonly overlap: boolean
  /** Items waiting for the next group. */
  private queue: Array<Queued<A, R>> = []
  private scheduled = false
  /** The commits under way (at most one without `overlap`). */
  private readonly inFlight = new Set<Promise<void>>()

  constructor(commit: Commit<A, R>, options: GroupCommitOptions = {}) {
    this.commit = commit
    this.overlap = options.overlap ?? false
  }

  private get busy(): boolean {
    return !this.overlap && this.inFlight.size > 0
  }

  /** Queues an item for the next group; resolves with its result once that group is committed. */
  add(item: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      if (this.scheduled || this.busy) return
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
    while (this.inFlight.size > 0) await Promise.all(this.inFlight)
  }

  private run(): void {
    this.scheduled = false
    if (this.busy || this.queue.length === 0) return
    const group = this.queue
    this.queue = []
    const done = this.start(group).then(
      (results) => {
        this.inFlight.delete(done)
        if (results.length !== group.length) {
          const error = new Error(
            `a group commit returned ${results.length} results for ${group.length} appends`
          )
          for (const entry of group) entry.reject(error)
        } else for (const [i, entry] of group.entries()) entry.resolve(results[i] as R)
        this.run()
      },
      (error: unknown) => {
        this.inFlight.delete(done)
        for (const entry of group) entry.reject(error)
        this.run()
      }
    )
    this.inFlight.add(done)
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
