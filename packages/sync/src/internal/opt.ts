/** `{ [key]: value }`, or `{}` when `value` is undefined (for `exactOptionalPropertyTypes`). */
export const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
