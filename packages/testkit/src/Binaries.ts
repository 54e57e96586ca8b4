/**
 * Finding the system programs the fixtures start (redis-server, nginx): an environment variable
 * first, then the usual Debian paths and `PATH`. A missing program fails the test with a message
 * that says exactly what to install, never a silent skip.
 */
import { accessSync, constants } from "node:fs"
import { delimiter, join } from "node:path"
import { createServer } from "node:net"

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The path of `name`: `process.env[envVar]` when set (it must be executable), else the first of
 * `paths` and of `PATH` that is. Throws naming the Debian package to install.
 */
export const findBinary = (
  name: string,
  envVar: string,
  debianPackage: string,
  paths: ReadonlyArray<string> = []
): string => {
  const fromEnv = process.env[envVar]
  if (fromEnv !== undefined && fromEnv !== "") {
    if (executable(fromEnv)) return fromEnv
    throw new Error(`${envVar}=${fromEnv} is not an executable ${name}`)
  }
  const onPath = (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, name))
  for (const candidate of [...paths, ...onPath]) if (executable(candidate)) return candidate
  throw new Error(
    `${name} not found: this test starts a real ${name}. Install it with ` +
      `"apt-get install ${debianPackage}" (.ci/run does this when it is missing), or set ${envVar} to its path.`
  )
}

/** A port that was free a moment ago on 127.0.0.1 (the caller binds it right away). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
