// Templates without a JSX compiler: htm turns tagged templates into Preact vnodes, so the app
// type-checks under the repository's tsconfig (which has no `jsx` setting) and needs no plugin.
import * as htmModule from "htm"
import { type ComponentChildren, h } from "preact"

interface Htm {
  bind<R>(
    h: (type: never, props: Record<string, unknown>, ...children: Array<unknown>) => R
  ): (strings: TemplateStringsArray, ...values: Array<unknown>) => R | Array<R>
}
// htm ships CommonJS-style typings; its ES module (what Vite bundles) has a default export.
const htm = (htmModule as unknown as { default: Htm }).default

/** `html\`<button onClick=${f}>Start</button>\`` → a Preact vnode (or several). */
export const html: (strings: TemplateStringsArray, ...values: Array<unknown>) => ComponentChildren = htm.bind(
  h as never
)
