/**
 * @relactation/testkit: what the tests, the benchmarks and the reliability suite share. Private,
 * never built or published; resolved from source (vitest aliases, `--conditions=source` for tsx).
 */
export * from "./Frames.js"
export * from "./Phones.js"
export * from "./Postgres.js"
export * from "./Random.js"
export * from "./Seed.js"
export * from "./Until.js"
export * from "./Upgrade.js"
export * from "./Binaries.js"
export * from "./Redis.js"
export * from "./Nginx.js"
