/**
 * The token secret kept in the data folder when `RELAY_SECRET` is not set: created once, at random,
 * with owner-only permissions, and reused so tokens stay valid across restarts.
 */
import { randomBytes } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

export const SECRET_FILE = "secret"

export const loadOrCreateSecret = (dataDir: string): string => {
  mkdirSync(dataDir, { recursive: true })
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
