/**
 * The token secret kept in the data folder when `RELAY_SECRET` is not set: created once, at random,
 * with owner-only permissions, and reused so tokens stay valid across restarts.
 */
import { randomBytes } from "node:crypto"
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"

export const SECRET_FILE = "secret"

/**
 * Creates the data folder owner-only (0700) when it does not exist yet. An existing folder keeps
 * its mode (the operator chose it), except that it loses group and world access if it had them.
 */
export const ensureDataDir = (dataDir: string): void => {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const mode = statSync(dataDir).mode & 0o777
  if ((mode & 0o077) !== 0) chmodSync(dataDir, mode & 0o700)
}

const HEX = /^[0-9a-fA-F]+$/
const BASE64 = /^[A-Za-z0-9+/_=-]+$/

/**
 * Why a secret is too weak to sign tokens, or undefined. HMAC-SHA256 is only as strong as its key:
 * a 3-character secret is found from one token in a fraction of a second, and then anyone can mint
 * tokens. The rule asks for 32 bytes of entropy, estimated from the length and the alphabet (4 bits
 * per hex character, 6 per base64 character, at most about 6.5 per other printable character) and
 * refusing strings that repeat a few characters: 64 hex characters (`openssl rand -hex 32`) or 43
 * base64 characters (`openssl rand -base64 32`) pass, a password does not.
 */
export const secretWeakness = (secret: string): string | undefined => {
  const perChar = HEX.test(secret) ? 4 : BASE64.test(secret) ? 6 : 6.5
  const distinct = new Set(secret).size
  const bits = secret.length * perChar
  if (bits >= 256 && distinct >= (perChar === 4 ? 12 : 20)) return undefined
  return (
    "must carry at least 32 bytes of entropy: 64 random hex characters or 43 random base64 characters, " +
    `for example the output of \`openssl rand -base64 32\` (got ${secret.length} characters)`
  )
}

export const loadOrCreateSecret = (dataDir: string): string => {
  ensureDataDir(dataDir)
  const file = join(dataDir, SECRET_FILE)
  try {
    // "wx" fails if the file exists, so two processes starting together cannot overwrite each other.
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { flag: "wx", mode: 0o600 })
  } catch (error) {
    if ((error as { code?: unknown }).code !== "EEXIST") throw error
  }
  const secret = readFileSync(file, "utf8").trim()
  if (secret.length < 16) throw new Error(`the secret file in the data folder is empty or too short: ${file}`)
  return secret
}
