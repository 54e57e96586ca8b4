// Steps the browser tests take through the app's own forms, written once: the child's profile in
// Settings, a weigh-in and a medication on Today, and the Berlin wall-clock time the test phones
// type into the time fields. Each step waits for the app's own "saved" status, never a sleep.
import type { Page } from "playwright-core"

export const DAY = 86_400_000

/** `YYYY-MM-DDTHH:MM` of an instant in Berlin, the zone the test phones are in. */
export const berlinInput = (ms: number): string =>
  new Date(ms).toLocaleString("sv-SE", { timeZone: "Europe/Berlin" }).replace(" ", "T").slice(0, 16)

/** Opens Settings and saves the child's profile, born on the Berlin day of `born` (the sex only where given). */
export const saveChildProfile = async (
  page: Page,
  child: { readonly name: string; readonly born: number; readonly sex?: "female" | "male" }
): Promise<void> => {
  await page.getByRole("button", { name: "Settings" }).click()
  await page.getByLabel("Child’s name").fill(child.name)
  await page.getByLabel("Birth date").fill(berlinInput(child.born).slice(0, 10))
  if (child.sex !== undefined)
    await page.getByLabel("Sex (for the WHO growth reference)").selectOption(child.sex)
  await page.getByRole("button", { name: "Save child profile" }).click()
  await page.getByRole("status").filter({ hasText: "Child profile saved" }).waitFor()
}

/** Logs a weigh-in from Today (at `time`, a `berlinInput`, where given; else now). */
export const logWeighIn = async (page: Page, grams: number, time?: string): Promise<void> => {
  await page.getByRole("button", { name: "+ Weigh-in" }).click()
  await page.getByLabel("Weight (g)").fill(String(grams))
  if (time !== undefined) await page.getByLabel("Time", { exact: true }).fill(time)
  await page.getByRole("button", { name: "Save" }).click()
  await page.getByRole("status").filter({ hasText: "Weigh-in saved" }).waitFor()
}

/** Logs a medication by name from Today. */
export const logMedication = async (page: Page, name: string): Promise<void> => {
  await page.getByRole("button", { name: "+ Medication" }).click()
  await page.getByLabel("Medication name").fill(name)
  await page.getByRole("button", { name: "Save" }).click()
  await page.getByRole("status").filter({ hasText: "Medication saved" }).waitFor()
}
