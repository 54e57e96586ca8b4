/**
 * Units: the log stores millilitres and grams; apps may take fluid ounces and pounds/ounces as
 * input and show either.
 *
 * @since 0.1.0
 */

/** Millilitres in one US fluid ounce. @since 0.1.0 @category constants */
export const ML_PER_FL_OZ = 29.5735
/** Grams in one pound. @since 0.1.0 @category constants */
export const GRAMS_PER_LB = 453.592
/** Grams in one ounce (avoirdupois). @since 0.1.0 @category constants */
export const GRAMS_PER_OZ = 28.3495

/** How an app shows volumes. @since 0.1.0 @category models */
export type VolumeUnit = "ml" | "fl-oz"
/** How an app shows weights. @since 0.1.0 @category models */
export type WeightUnit = "g" | "lb-oz"

const round = (n: number, decimals: number): number => {
  const f = 10 ** decimals
  return Math.round(n * f) / f
}

/**
 * US fluid ounces to millilitres, rounded to 0.1 ml (the precision of any syringe).
 *
 * @since 0.1.0
 * @category conversions
 */
export const mlFromFlOz = (flOz: number): number => round(flOz * ML_PER_FL_OZ, 1)

/**
 * Millilitres to US fluid ounces, rounded to 0.01 fl oz.
 *
 * @since 0.1.0
 * @category conversions
 */
export const flOzFromMl = (ml: number): number => round(ml / ML_PER_FL_OZ, 2)

/**
 * Pounds and ounces to whole grams.
 *
 * @since 0.1.0
 * @category conversions
 */
export const gramsFromLbOz = (lb: number, oz = 0): number => Math.round(lb * GRAMS_PER_LB + oz * GRAMS_PER_OZ)

/**
 * Grams to whole pounds and ounces (ounces to 0.1).
 *
 * @since 0.1.0
 * @category conversions
 */
export const lbOzFromGrams = (grams: number): { readonly lb: number; readonly oz: number } => {
  const totalOz = round(grams / GRAMS_PER_OZ, 1)
  const lb = Math.floor(totalOz / 16)
  return { lb, oz: round(totalOz - lb * 16, 1) }
}

/**
 * A volume for display: `"60 ml"` or `"2.03 fl oz"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatVolume = (ml: number, unit: VolumeUnit = "ml"): string =>
  unit === "ml" ? `${round(ml, 1)} ml` : `${flOzFromMl(ml)} fl oz`

/**
 * A weight for display: `"3250 g"` or `"7 lb 2.6 oz"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatWeight = (grams: number, unit: WeightUnit = "g"): string => {
  if (unit === "g") return `${Math.round(grams)} g`
  const { lb, oz } = lbOzFromGrams(grams)
  return `${lb} lb ${oz} oz`
}
