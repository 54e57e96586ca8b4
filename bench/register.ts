/**
 * Registers the bench's resolution hook (see hooks.mjs). Import it first, with a dynamic import of
 * everything else after, in every process the bench starts (runner, load clients, relay child).
 */
import { register } from "node:module"

register("./hooks.mjs", import.meta.url)
