// Module resolution for the bench when it is not (yet) a workspace package: `@relactation/*`
// resolves to the packages' TypeScript sources, and bare dependencies (yjs, ws, y-protocols, lib0)
// resolve from packages/sync, so the bench shares the one Yjs copy the workspace uses.
// Also adds the `source` export condition everywhere, so workspace packages import each other's
// sources and nothing needs a build first.
const root = new URL("../", import.meta.url)
const fallbacks = [
  new URL("packages/sync/src/index.ts", root).href,
  new URL("packages/server/src/index.ts", root).href,
  new URL("packages/core/src/index.ts", root).href
]
const workspace = {
  "@relactation/core": "core",
  "@relactation/sync": "sync",
  "@relactation/server": "server"
}

export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes("source")
    ? context.conditions
    : [...context.conditions, "source"]
  const ctx = { ...context, conditions }
  const pkg = workspace[specifier]
  if (pkg !== undefined) {
    return nextResolve(new URL(`packages/${pkg}/src/index.ts`, root).href, ctx)
  }
  try {
    return await nextResolve(specifier, ctx)
  } catch (error) {
    const bare = !/^(\.|\/|[a-z]+:)/.test(specifier)
    if (!bare || error?.code !== "ERR_MODULE_NOT_FOUND") throw error
    for (const parentURL of fallbacks) {
      try {
        return await nextResolve(specifier, { ...ctx, parentURL })
      } catch {}
    }
    throw error
  }
}
