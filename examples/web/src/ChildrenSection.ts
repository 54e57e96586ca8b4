// Settings: the family's children. Adding a child (twins, or a sibling) records its profile under a
// new child id; the new child is then the one this phone shows. Each child's own profile (name,
// birth date, sex for the WHO reference) is edited in the "Child" section while it is shown.
import type { EventLog } from "@relactation/sync"
import { useState } from "preact/hooks"
import { childName, childrenOf, showChild } from "./Children.js"
import { describe } from "./Forms.js"
import { t } from "./I18n.js"
import { html } from "./html.js"
import { type Link, newId, type Settings } from "./Link.js"

export function ChildrenSection(props: { log: EventLog; link: Link; settings: Settings }) {
  const { log, link, settings } = props
  const children = childrenOf(log.events, link)
  const [profile, setProfile] = useState({ name: "", birthDate: "", sex: "" })
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>()
  // The new child's fields show once asked for (most families have one child).
  const [open, setOpen] = useState(false)
  const add = async (e: SubmitEvent) => {
    e.preventDefault()
    try {
      const child = newId("child-")
      await log.append({
        type: "child",
        child,
        by: link.caregiver,
        name: profile.name.trim(),
        birthDate: profile.birthDate,
        ...(profile.sex === "female" || profile.sex === "male" ? { sex: profile.sex } : {})
      })
      setProfile({ name: "", birthDate: "", sex: "" })
      setOpen(false)
      setMessage({ text: t("children.added", { name: profile.name.trim() }), error: false })
      showChild(child)
    } catch (err) {
      setMessage({ text: describe(err, settings), error: true })
    }
  }
  const input = (key: "name" | "birthDate", label: string, type = "text") =>
    html`<div class="field"><label for=${`add-child-${key}`}>${label}</label>
      <input id=${`add-child-${key}`} type=${type} value=${profile[key]}
        onInput=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, [key]: e.currentTarget.value })} /></div>`
  return html`<form onSubmit=${add} noValidate>
    <fieldset>
      <legend>${t("children.title")}</legend>
      <ul class="children" aria-label=${t("children.title")}>
        ${children.map(
          (c) => html`<li key=${c.id} aria-current=${c.id === link.child ? "true" : undefined}>
          ${childName(children, c.id)}${c.id === link.child ? html` <small>${t("children.shownNow")}</small>` : null}
        </li>`
        )}
      </ul>
      <p class="note">${t("children.addNote")}</p>
      ${message && !message.error ? html`<p class="message" role="status">${message.text}</p>` : null}
      ${
        open
          ? html`${input("name", t("children.newName"))}
      ${input("birthDate", t("settings.birthDate"), "date")}
      <div class="field"><label for="add-child-sex">${t("settings.sex")}</label>
        <select id="add-child-sex" onChange=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, sex: e.currentTarget.value })}>
          ${[
            ["", t("settings.sex.unset")],
            ["female", t("settings.sex.female")],
            ["male", t("settings.sex.male")]
          ].map(([v, l]) => html`<option value=${v} selected=${v === profile.sex}>${l}</option>`)}
        </select></div>
      ${message?.error ? html`<p class="error" role="alert">${message.text}</p>` : null}
      <button class="primary big" type="submit">${t("children.add")}</button>`
          : html`<button class="big" type="button" onClick=${() => setOpen(true)}>${t("children.addOpen")}</button>`
      }
    </fieldset>
  </form>`
}
