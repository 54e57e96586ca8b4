/**
 * How an event schema is made: the common fields, the `type` literal and the type's own fields,
 * identified as `type@v1`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { commonFields } from "../EventFields.js"

/** @internal */
export const defineEvent = <const T extends string, const F extends Schema.Struct.Fields>(
  type: T,
  fields: F
) =>
  Schema.Struct({ ...commonFields, type: Schema.Literal(type), ...fields }).annotate({
    identifier: `${type}@v1`
  })
