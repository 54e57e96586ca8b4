// Settings › Devices: this family's phones (the name each gave itself, kept inside the log, and when
// the relay last saw it), and "remove" with a confirmation. A removed phone is refused by the relay
// from then on; the status bar of that phone then says it was removed instead of retrying. In a
// sealed log the removal also renews the keys (a new key epoch, done by the sync library), which the
// section says once.
import type { Device, EventLog } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import { html } from "./html.js"
import { t } from "./I18n.js"

const lastSeen = (device: Device, timeZone: string): string =>
  device.lastSeen === undefined
    ? t("devices.neverSeen")
    : t("devices.lastSeen", {
        when: new Intl.DateTimeFormat(undefined, {
          dateStyle: "medium",
          timeStyle: "short",
          timeZone
        }).format(device.lastSeen)
      })

export function DevicesSettings(props: { log: EventLog; timeZone: string; onRemoved?: () => void }) {
  const { log } = props
  const [devices, setDevices] = useState<ReadonlyArray<Device> | undefined>()
  const [failed, setFailed] = useState(false)
  const [confirming, setConfirming] = useState<string | undefined>()
  const [version, setVersion] = useState(0)
  // After a removal from a sealed log: the others moved to a new key epoch (said once, plainly).
  const [renewed, setRenewed] = useState<string | undefined>()
  useEffect(() => {
    if (log.credentialId === undefined) return
    let live = true
    log.devices().then(
      (listed) => {
        if (live) {
          setDevices(listed)
          setFailed(false)
        }
      },
      () => {
        if (live) setFailed(true)
      }
    )
    return () => {
      live = false
    }
  }, [log, version])

  if (log.status === "removed")
    return html`<fieldset data-section="devices"><legend>${t("devices.title")}</legend><p class="notice" role="status">${t("status.removed")}</p></fieldset>`
  if (log.credentialId === undefined)
    return html`<fieldset data-section="devices"><legend>${t("devices.title")}</legend><p class="note">${t("devices.familyToken")}</p></fieldset>`

  const remove = async (device: Device) => {
    try {
      await log.removeDevice(device.credentialId)
      if (log.sealed) setRenewed(device.name ?? t("devices.unnamed"))
      props.onRemoved?.()
    } catch {
      setFailed(true)
    }
    setConfirming(undefined)
    setVersion((v) => v + 1)
  }

  return html`<fieldset data-section="devices">
    <legend>${t("devices.title")}</legend>
    <p class="note">${t("devices.note")}</p>
    ${failed ? html`<p class="notice" role="status">${t("devices.failed")}</p>` : null}
    ${renewed === undefined ? null : html`<p class="note" role="status" data-notice="keys-renewed">${t("devices.keysRenewed", { name: renewed })}</p>`}
    ${
      devices === undefined
        ? html`<p class="loading" role="status">${t("app.loading")}</p>`
        : html`<ul class="devices">
          ${devices.map(
            (device) => html`<li data-credential=${device.credentialId}>
              <strong>${device.name ?? t("devices.unnamed")}</strong>
              ${device.self ? html` <span class="pill">${t("devices.thisPhone")}</span>` : null}
              <span class="note"> · ${lastSeen(device, props.timeZone)}</span>
              ${
                device.self
                  ? null
                  : confirming === device.credentialId
                    ? html`<p>${t("devices.confirm", { name: device.name ?? t("devices.unnamed") })}</p>
                      <button class="big danger" data-action="confirm-remove" onClick=${() => remove(device)}>${t("devices.removeConfirmed")}</button>
                      <button class="big" onClick=${() => setConfirming(undefined)}>${t("devices.cancel")}</button>`
                    : html`<button class="big" data-action="remove" onClick=${() => setConfirming(device.credentialId)}>${t("devices.remove")}</button>`
              }
            </li>`
          )}
        </ul>`
    }
  </fieldset>`
}
