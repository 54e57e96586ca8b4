/**
 * One temporary folder per test, removed after it, and a relay (real websocket server, SQLite in a
 * subfolder) started in it: the setup the relay-backed sync tests each wrote out.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRelay } from "@relactation/server"
import { afterEach, beforeEach } from "vitest"

/** The relay secret of these tests (any 32 bytes do). */
export const RELAY_SECRET = "Rk3v8Kx1pL0aB7nM2cD9eF4gH6jK8lQ1wE3rT5yU7iO"

export const relayFolder = (prefix: string, secret: string = RELAY_SECRET) => {
  let dir: string | undefined
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix))
  })
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    dir = undefined
  })
  /** This test's folder. */
  const path = (): string => {
    if (dir === undefined) throw new Error("relayFolder: used outside a test")
    return dir
  }
  /** A relay whose data folder is `folder` inside this test's folder. */
  const relay = (folder = "relay") =>
    createRelay({ port: 0, dataDir: join(path(), folder), secret, log: () => {} })
  return { path, relay }
}
