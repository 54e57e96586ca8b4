/**
 * The key epochs of one sealed log on this device: the one place the log reads the epoch that
 * seals new entries and presence from (`currentEpoch`), and where an envelope's epoch selects its
 * keys (`keysFor`). Epoch 0 is the family key itself; a later epoch (after a device was removed)
 * arrives as its secret through `add`, from the device-removal work (wrapped epoch secrets in the
 * document, unwrapped with this device's key). After `add`, the log seals with the highest epoch
 * and opens again the entries it had reported as `unknown-epoch`.
 *
 * Stable for the device-removal work: `make`, `currentEpoch`, `keysFor`, `Epochs.add`,
 * `Epochs.onChange` keep their signatures.
 */
import type { FamilyKey } from "../FamilyKey.js"
import { deriveLogKeys, type EpochSecret, type LogKeys } from "./LogKeys.js"

export type { EpochSecret } from "./LogKeys.js"

/** The keys of one epoch. */
export interface EpochKeys {
  readonly epoch: number
  /** AES-256-GCM key of the epoch's entries. */
  readonly entryKey: CryptoKey | undefined
  /** AES-256-GCM key of the epoch's presence states. */
  readonly presenceKey: CryptoKey | undefined
}

/**
 * A log's keys (what `seal`, `open`, `sealPresence` and `openPresence` take), whose epochs can
 * grow while the log is open.
 */
export interface Epochs extends LogKeys {
  /** Every epoch this device holds a secret for, ascending. */
  readonly known: ReadonlyArray<number>
  /** The secrets of the later epochs (above 0) this device holds, to wrap for another device. */
  readonly secrets: ReadonlyArray<EpochSecret>
  /**
   * Adds later epochs' secrets (each epoch above 0, once; a known epoch is ignored); resolves with
   * the current epoch once their keys are derived. Rejects with a `RangeError` on a bad epoch number.
   */
  readonly add: (later: ReadonlyArray<EpochSecret>) => Promise<number>
  /** Called after `add` changed the known epochs. */
  readonly onChange: (listener: () => void) => () => void
}

/** The epochs of `logId` from the family key and the later secrets already known. */
export const make = async (
  logId: string,
  key: FamilyKey,
  later: ReadonlyArray<EpochSecret> = []
): Promise<Epochs> => {
  let secrets = [...later]
  let keys = await deriveLogKeys(logId, key, secrets)
  const listeners = new Set<() => void>()
  return {
    logId,
    get epoch() {
      return keys.epoch
    },
    get known() {
      return [0, ...secrets.map((s) => s.epoch)].sort((a, b) => a - b)
    },
    get secrets() {
      return secrets
    },
    entryKey: (epoch) => keys.entryKey(epoch),
    presenceKey: (epoch) => keys.presenceKey(epoch),
    get idKey() {
      return keys.idKey
    },
    get checkpointKey() {
      return keys.checkpointKey
    },
    add: async (more) => {
      const known = new Set([0, ...secrets.map((s) => s.epoch)])
      const fresh = more.filter((s) => !known.has(s.epoch))
      if (fresh.length === 0) return keys.epoch
      const next = [...secrets, ...fresh]
      keys = await deriveLogKeys(logId, key, next)
      secrets = next
      for (const listener of [...listeners]) listener()
      return keys.epoch
    },
    onChange: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}

/** The epoch new entries and presence states are sealed with: the highest one this device holds. */
export const currentEpoch = (epochs: LogKeys): number => epochs.epoch

/** The keys an envelope of `epoch` opens with, or `undefined` (reported as `unknown-epoch`). */
export const keysFor = (epochs: LogKeys, epoch: number): EpochKeys | undefined => {
  const entryKey = epochs.entryKey(epoch)
  const presenceKey = epochs.presenceKey(epoch)
  return entryKey === undefined && presenceKey === undefined ? undefined : { epoch, entryKey, presenceKey }
}
