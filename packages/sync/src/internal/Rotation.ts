/**
 * Key rotation of a sealed log: when a device is removed, the device that removed it makes a new
 * key epoch and wraps its secret (with every older epoch secret) for each remaining device's
 * public key; every device unwraps what is addressed to it and adds it to its `Epochs`, now or
 * whenever it comes online. A device without a wrap of the current epoch (one that joined or was
 * restored after the rotation, or lost its key pair) gets one from any device that holds the
 * epoch and sees its record, once the relay lists its credential as not removed.
 *
 * Rules: the highest epoch seals; an epoch number is its generation (one above the highest
 * known) times 2^32 plus random bits, so two rotations at once make two epochs, both readable, and
 * the higher one seals. If the epoch that seals turns out to be wrapped for a device the relay
 * lists as removed (two devices each removed someone at once), the device that notices rotates
 * again without it.
 */
import type * as Y from "yjs"
import type { FamilyKey } from "../FamilyKey.js"
import type { DeviceKeyStore } from "../Persistence.js"
import { UnreadableEntry } from "../Unreadable.js"
import type { RelayList } from "./DeviceAccess.js"
import * as DeviceKeys from "./DeviceKeys.js"
import * as EpochWraps from "./EpochWraps.js"
import type { Epochs, EpochSecret } from "./Epochs.js"

export interface Rotation {
  /** Loads (or makes) this device's key pair and unwraps what the stored document has for it. */
  readonly load: () => Promise<void>
  /** Starts following the document (after the entry index exists). */
  readonly start: () => void
  /** Publishes this device's record and wraps the current epoch for devices without it. */
  readonly sync: () => void
  /** After the relay revoked `credentialId`: a new epoch for everyone else. */
  readonly afterRemoval: (credentialId: string) => Promise<void>
  /** Wraps and device records that do not open (addressed to this device, or to wrap for). */
  readonly problems: ReadonlyArray<UnreadableEntry>
  /** Sealing and opening device names in the `devices` map (same key as the device records). */
  readonly names: {
    readonly seal: (credentialId: string, name: string) => Promise<unknown>
    readonly open: (credentialId: string, raw: unknown) => Promise<string | undefined>
  }
  /** Resolves once what was scheduled so far is done (tests, close). */
  readonly idle: () => Promise<void>
  readonly destroy: () => void
}

const LOCAL = Symbol.for("@relactation/sync/rotation")

export const make = (options: {
  readonly logId: string
  readonly doc: Y.Doc
  readonly epochs: Epochs
  readonly key: FamilyKey
  readonly store: DeviceKeyStore | undefined
  readonly credentialId: () => string | undefined
  readonly list: () => Promise<RelayList>
  readonly report: (error: unknown) => void
}): Rotation => {
  const { logId, doc, epochs } = options
  const wraps = doc.getMap<unknown>(EpochWraps.EPOCHS_MAP)
  const records = DeviceKeys.recordsOf(doc)
  let device: DeviceKeys.DeviceKey | undefined
  let recordKey: CryptoKey | undefined
  let destroyed = false
  let queue: Promise<void> = Promise.resolve()
  let pending = 0
  const problems = new Map<string, UnreadableEntry>()
  let problemList: ReadonlyArray<UnreadableEntry> = []
  // Stored values already looked at (Yjs hands out the same object for an item every time).
  const checked = new WeakSet<object>()
  const openedRecords = new WeakMap<object, Awaited<ReturnType<typeof DeviceKeys.openRecord>>>()
  // Credential ids the relay does not list as active: never wrapped for (a removal is final).
  const refused = new Set<string>()
  // Epochs this device made, and sealing epochs already checked against the relay's list.
  const made = new Set<number>()
  const verified = new Set<number>()

  const setProblem = (key: string, problem: UnreadableEntry | undefined): void => {
    if (problem === undefined ? !problems.has(key) : problems.get(key) === problem) return
    if (problem === undefined) problems.delete(key)
    else problems.set(key, problem)
    problemList = [...problems.values()]
  }

  // One step at a time, in order. What the caller awaits (a removal) rejects to the caller only;
  // what nobody awaits is reported.
  const later = (run: () => Promise<void>, awaited = false): Promise<void> => {
    pending++
    const next = queue.then(async () => {
      if (!destroyed) await run()
    })
    queue = next
      .catch((error) => {
        if (!awaited) options.report(error)
      })
      .finally(() => {
        pending--
      })
    return next
  }

  const openRecord = async (credentialId: string, raw: unknown) => {
    if (typeof raw === "object" && raw !== null) {
      const hit = openedRecords.get(raw)
      if (hit !== undefined) return hit
    }
    recordKey ??= await DeviceKeys.recordKey(logId, options.key)
    const opened = await DeviceKeys.openRecord(logId, recordKey, credentialId, raw)
    if (typeof raw === "object" && raw !== null) openedRecords.set(raw, opened)
    return opened
  }

  // The key pair is loaded once the device has a credential id (no wrap can name it before).
  const ensureDevice = async (): Promise<void> => {
    if (device !== undefined || options.credentialId() === undefined) return
    recordKey ??= await DeviceKeys.recordKey(logId, options.key)
    device = await DeviceKeys.load(logId, options.store, epochs.checkpointKey)
  }

  /** Unwraps every wrap addressed to this device that was not looked at yet. */
  const scan = async (): Promise<void> => {
    await ensureDevice()
    const me = options.credentialId()
    if (me === undefined || device === undefined) return
    for (const key of problems.keys()) {
      if (key.startsWith("epochs/") && !wraps.has(key.slice(7))) setProblem(key, undefined)
    }
    const found: Array<EpochSecret> = []
    for (const [key, raw] of wraps.entries()) {
      const named = EpochWraps.parseWrapKey(key)
      if (named === undefined || named.credentialId !== me) continue
      if (typeof raw === "object" && raw !== null) {
        if (checked.has(raw)) continue
        checked.add(raw)
      }
      const result = await EpochWraps.unwrap({ logId, epoch: named.epoch, credentialId: me, device, raw })
      if (Array.isArray(result)) {
        setProblem(`epochs/${key}`, undefined)
        found.push(...(result as ReadonlyArray<EpochSecret>))
        continue
      }
      const problem = result as EpochWraps.WrapProblem
      // A wrap for this device's earlier key pair, of an epoch it holds anyway: nothing lost.
      if (epochs.known.includes(named.epoch) && problem.detail.startsWith("for:")) continue
      setProblem(
        `epochs/${key}`,
        new UnreadableEntry({
          key: `epochs/${key}`,
          reason: problem.reason,
          detail: problem.detail,
          epoch: named.epoch,
          raw
        })
      )
    }
    // Each epoch once (two wraps may both carry an older one).
    const fresh = [...new Map(found.map((s) => [s.epoch, s])).values()]
    if (fresh.length > 0) await epochs.add(fresh)
  }

  const publish = async (): Promise<void> => {
    await ensureDevice()
    const me = options.credentialId()
    if (me === undefined || device === undefined || recordKey === undefined) return
    const existing = records.get(me)
    if (existing !== undefined) {
      const opened = await openRecord(me, existing)
      if (opened.ok && DeviceKeys.sameBytes(opened.publicRaw, device.publicRaw)) return
    }
    const record = await DeviceKeys.sealRecord(logId, recordKey, me, device.publicRaw)
    if (!destroyed) doc.transact(() => records.set(me, record), LOCAL)
  }

  /** The devices' records that open: credential id → public key. */
  const recipients = async (): Promise<
    Map<string, { readonly publicRaw: Uint8Array; readonly fingerprint: Uint8Array }>
  > => {
    const out = new Map<string, { readonly publicRaw: Uint8Array; readonly fingerprint: Uint8Array }>()
    for (const key of problems.keys()) {
      if (key.startsWith("deviceKeys/") && !records.has(key.slice(11))) setProblem(key, undefined)
    }
    for (const [id, raw] of records.entries()) {
      const opened = await openRecord(id, raw)
      if (opened.ok) {
        setProblem(`deviceKeys/${id}`, undefined)
        out.set(id, opened)
      } else {
        setProblem(
          `deviceKeys/${id}`,
          new UnreadableEntry({
            key: `deviceKeys/${id}`,
            reason: opened.reason,
            detail: opened.detail,
            epoch: undefined,
            raw
          })
        )
      }
    }
    return out
  }

  const activeAtRelay = async (): Promise<{ active: Set<string>; revoked: Set<string> }> => {
    const answer = await options.list()
    const active = new Set<string>()
    const revoked = new Set<string>()
    for (const d of answer.devices) (d.revoked ? revoked : active).add(d.credentialId)
    return { active, revoked }
  }

  const writeWraps = async (
    epoch: number,
    to: ReadonlyArray<readonly [string, { readonly publicRaw: Uint8Array; readonly fingerprint: Uint8Array }]>
  ): Promise<void> => {
    const secrets = epochs.secrets
    const written = await Promise.all(
      to.map(async ([id, rec]) => {
        const value = await EpochWraps.wrap({
          logId,
          epoch,
          credentialId: id,
          publicRaw: rec.publicRaw,
          fingerprint: rec.fingerprint,
          secrets
        })
        return [EpochWraps.wrapKey(epoch, id), value] as const
      })
    )
    if (destroyed || written.length === 0) return
    doc.transact(() => {
      for (const [key, value] of written) wraps.set(key, value)
    }, LOCAL)
  }

  /** A new epoch for this device and every active device except `without`. */
  const rotate = async (without: ReadonlySet<string>): Promise<void> => {
    await ensureDevice()
    const me = options.credentialId()
    const { active } = await activeAtRelay()
    const known = await recipients()
    const epoch = EpochWraps.nextEpoch(epochs.epoch)
    made.add(epoch)
    await epochs.add([EpochWraps.freshSecret(epoch)])
    const to = [...known].filter(([id]) => id === me || (active.has(id) && !without.has(id)))
    await writeWraps(epoch, to)
  }

  /** Wraps the current epoch for every device whose record has no wrap of it for its key. */
  const grant = async (): Promise<void> => {
    const current = epochs.epoch
    if (current === 0 || device === undefined) return
    const me = options.credentialId()
    const known = await recipients()
    const missing = [...known].filter(([id, rec]) => {
      if (id === me || refused.has(id)) return false
      const existing = wraps.get(EpochWraps.wrapKey(current, id))
      const shape = EpochWraps.checkWrap(existing, current)
      return !(EpochWraps.isWrap(shape) && DeviceKeys.sameBytes(shape.for, rec.fingerprint))
    })
    const check = !verified.has(current) && !made.has(current)
    if (missing.length === 0 && !check) return
    const { active, revoked } = await activeAtRelay()
    for (const [id] of missing) if (!active.has(id)) refused.add(id)
    if (check) {
      verified.add(current)
      // The epoch that seals must not be readable by a removed device (two rotations at once).
      const readers = [...wraps.keys()]
        .map(EpochWraps.parseWrapKey)
        .filter((k) => k?.epoch === current)
        .map((k) => k!.credentialId)
      if (readers.some((id) => revoked.has(id))) {
        await rotate(revoked)
        return
      }
    }
    await writeWraps(
      current,
      missing.filter(([id]) => active.has(id))
    )
  }

  const step = (): Promise<void> =>
    later(async () => {
      await scan()
      await grant().catch(() => {}) // offline: the next sync tries again
    })

  // Reported through `later`; the returned promise is not awaited by anyone.
  const onWraps = (_e: unknown, tx: Y.Transaction): void => {
    if (tx.origin !== LOCAL) void step().catch(() => {})
  }
  const onRecords = (_e: unknown, tx: Y.Transaction): void => {
    if (tx.origin !== LOCAL) void step().catch(() => {})
  }

  return {
    load: async () => {
      await ensureDevice()
      await scan()
    },
    start: () => {
      wraps.observe(onWraps)
      records.observe(onRecords)
    },
    sync: () => {
      void later(publish).catch(() => {})
      void step().catch(() => {})
    },
    afterRemoval: (credentialId) =>
      later(async () => {
        if (records.has(credentialId)) doc.transact(() => records.delete(credentialId), LOCAL)
        refused.add(credentialId)
        await rotate(new Set([credentialId]))
      }, true),
    get problems() {
      return problemList
    },
    names: {
      seal: async (credentialId, name) => {
        recordKey ??= await DeviceKeys.recordKey(logId, options.key)
        return DeviceKeys.sealName(logId, recordKey, credentialId, name)
      },
      open: async (credentialId, raw) => {
        recordKey ??= await DeviceKeys.recordKey(logId, options.key)
        return DeviceKeys.openName(logId, recordKey, credentialId, raw)
      }
    },
    idle: async () => {
      while (pending > 0) await queue
    },
    destroy: () => {
      destroyed = true
      wraps.unobserve(onWraps)
      records.unobserve(onRecords)
    }
  }
}
