/**
 * @relactation/sync: the event log on Yjs. Offline-first persistence, sync through the relay,
 * live projections and presence, with a Promise face (`openLog`) and an Effect face (`EffectApi`).
 *
 * @since 0.1.0
 */
export { isFinalClose, reconnectDelay, type Status } from "./Connection.js"
export {
  AccessRefused,
  type Device,
  type DeviceAccess,
  type DeviceCredential,
  type Fetch,
  type JoinOptions,
  joinLog,
  readCredential
} from "./Devices.js"
export * from "./EventLog.js"
export * from "./Persistence.js"
export {
  legacySessionId,
  type Peer,
  parseSession,
  type RunningSession,
  type SessionInfo,
  stopEventId
} from "./Presence.js"
export * from "./SyncError.js"
export * as EffectApi from "./EffectApi.js"
export {
  FAMILY_KEY_BYTES,
  type FamilyKey,
  formatFamilyKey,
  generateFamilyKey,
  parseFamilyKey
} from "./FamilyKey.js"
export * from "./Unreadable.js"
export { familyKeyOf, INVITE_KEY_PREFIX } from "./InviteKey.js"
export { InvalidRecoveryWords, keyFromRecoveryWords, RECOVERY_WORDS, recoveryWords } from "./Recovery.js"
export { type CopyReport, copyToSealedLog } from "./Migration.js"
