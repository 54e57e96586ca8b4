/**
 * The device side of an open log: the name this device gives itself, kept in the log's `devices`
 * map under its credential id (the relay never sees names, only ids), and the relay requests that
 * list, remove and invite devices or delete the log. The credential comes from `Renewal`, so these
 * requests always carry the newest one.
 */
import type * as Y from "yjs"
import { checkCredentialId, type Device, type DeviceAccess, type DeviceCredential } from "../Devices.js"
import { InvalidLogOptions } from "../SyncError.js"
import { call, type Fetch } from "./RelayHttp.js"

/**
 * The name of the Yjs map of device records: credential id → `{ name }` (part of the documented
 * layout; a record is this device's own to write).
 */
export const DEVICES_MAP = "devices"

export interface DeviceAccessOptions {
  readonly url: string | undefined
  readonly logId: string
  readonly doc: Y.Doc
  readonly credential: () => DeviceCredential | undefined
  readonly name: string | undefined
  readonly fetch: Fetch | undefined
  /**
   * A sealed log's names: sealed into the record and opened from it (a record that does not open
   * has no name). Without it (a plaintext log) a record is `{ name }`.
   */
  readonly names?: {
    readonly seal: (credentialId: string, name: string) => Promise<unknown>
    readonly open: (credentialId: string, raw: unknown) => Promise<string | undefined>
  }
  /** After a removal: what a sealed log does next (a new key epoch); default nothing. */
  readonly afterRemoval?: (credentialId: string) => Promise<void>
  /** A sealed log's key for an invite (the family key and every later epoch held); default none. */
  readonly inviteKey?: () => string
}

/** The relay's answer to `GET /logs/<id>/devices`. */
export interface RelayList {
  readonly self: string | null
  readonly devices: ReadonlyArray<{ credentialId: string; lastSeen: number | null; revoked: boolean }>
}

const LOCAL_RECORD = Symbol.for("@relactation/sync/device-record")

const nameOf = (record: unknown): string | undefined => {
  const name = (record as { name?: unknown } | null | undefined)?.name
  return typeof name === "string" ? name : undefined
}

export const make = (
  options: DeviceAccessOptions
): DeviceAccess & {
  readonly setName: (name: string | undefined) => void
  readonly sync: () => void
  /** The relay's list of this log's credentials, the removed ones included. */
  readonly list: () => Promise<RelayList>
} => {
  const records = options.doc.getMap<unknown>(DEVICES_MAP)
  let name = options.name

  const noRelay = () =>
    new InvalidLogOptions({
      option: "url",
      rule: "devices need a relay: open the log with url and token",
      code: "no-relay"
    })

  const held = (): DeviceCredential => {
    const credential = options.credential()
    if (options.url === undefined || credential === undefined) throw noRelay()
    return credential
  }

  const request = <A>(
    action: "devices" | "revoke" | "invite" | undefined,
    method: "GET" | "POST" | "DELETE",
    body?: unknown
  ): Promise<A> =>
    call<A>({
      url: options.url as string,
      logId: options.logId,
      ...(action === undefined ? {} : { action }),
      method,
      token: held().token,
      body,
      fetch: options.fetch
    })

  const names = options.names
  const nameFor = async (id: string): Promise<string | undefined> =>
    names === undefined ? nameOf(records.get(id)) : names.open(id, records.get(id))

  // Sealing is asynchronous: one write at a time, each checking again what is stored.
  let writing: Promise<void> = Promise.resolve()
  // Writes this device's record when its name or credential id changed.
  const sync = (): void => {
    const id = options.credential()?.credentialId
    if (id === undefined || name === undefined || name === "") return
    if (names === undefined) {
      if (nameOf(records.get(id)) === name) return
      options.doc.transact(() => records.set(id, { name }), LOCAL_RECORD)
      return
    }
    const wanted = name
    writing = writing
      .then(async () => {
        if ((await names.open(id, records.get(id))) === wanted) return
        const sealed = await names.seal(id, wanted)
        if (name === wanted && options.credential()?.credentialId === id) {
          options.doc.transact(() => records.set(id, sealed), LOCAL_RECORD)
        }
      })
      .catch(() => {}) // the log was closed meanwhile: the next open writes it
  }

  return {
    get credentialId() {
      return options.credential()?.credentialId
    },
    get credential() {
      return options.credential()
    },
    setName: (next) => {
      name = next
      sync()
    },
    sync,
    list: () => {
      held()
      return request<RelayList>("devices", "GET")
    },
    devices: async () => {
      held()
      const answer = await request<RelayList>("devices", "GET")
      return Promise.all(
        answer.devices
          .filter((device) => !device.revoked)
          .map(
            async (device): Promise<Device> => ({
              credentialId: device.credentialId,
              name: await nameFor(device.credentialId),
              lastSeen: device.lastSeen === null ? undefined : device.lastSeen * 1000,
              self: device.credentialId === answer.self
            })
          )
      )
    },
    removeDevice: async (credentialId) => {
      held()
      checkCredentialId(credentialId)
      await request("revoke", "POST", { credentialId })
      if (records.has(credentialId)) options.doc.transact(() => records.delete(credentialId), LOCAL_RECORD)
      await options.afterRemoval?.(credentialId)
    },
    invite: async () => {
      held()
      const { joinToken, expiresAt } = await request<{ joinToken: string; expiresAt: number }>(
        "invite",
        "POST"
      )
      return { joinToken, expiresAt, key: options.inviteKey?.() }
    },
    deleteFromRelay: async () => {
      held()
      await request(undefined, "DELETE")
    }
  }
}
