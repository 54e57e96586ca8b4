// Run in a child process by Codec.test.ts: the verdicts of the event schemas as Effect's
// interpreter gives them. This process never loads Codec.ts, so Schema's JIT compiler is never
// enabled here and each answer comes from the plain interpreted `Schema.is` and decoder.
import { readFileSync } from "node:fs"
import { deserialize, serialize } from "node:v8"
import { Result, Schema } from "effect"
import { schemas } from "../../src/Event.js"

const raws = deserialize(readFileSync(process.argv[2]!)) as ReadonlyArray<{ type: keyof typeof schemas }>
const verdicts = raws.map((raw) => {
  const schema = schemas[raw.type] as unknown as Schema.Codec<unknown, unknown>
  const decoded = Schema.decodeUnknownResult(schema)(raw, { errors: "all" })
  return { is: Schema.is(schema)(raw), decodes: Result.isSuccess(decoded) }
})
process.stdout.write(serialize(verdicts).toString("base64"))
