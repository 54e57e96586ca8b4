// Catalog keys whose German text is the English one on purpose: a name, a word German borrowed, a
// symbol, or only placeholders. Any other German text equal to the English one is untranslated.
import type { MessageKey } from "../src/i18n/en.js"

export const SAME_IN_BOTH: ReadonlySet<MessageKey> = new Set<MessageKey>([
  "app.title",
  "status.offline",
  "entry.latch",
  "entry.pump",
  "entry.supplement",
  "entry.weighIn",
  "quick.add",
  "form.latch.past",
  "timer.session.forChild",
  "field.hint.ml",
  "band.p5-p15",
  "band.p15-p85",
  "plan.field.plan"
])
