// Recovery words (BIP39 via @scure/bip39) and the move of a plaintext log to a sealed one.
import { entropyToMnemonic } from "@scure/bip39"
import { wordlist } from "@scure/bip39/wordlists/english.js"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  copyToSealedLog,
  generateFamilyKey,
  keyFromRecoveryWords,
  type OpenLogOptions,
  openLog,
  recoveryWords
} from "../src/index.js"
import { randomDraft, runs, seedFor } from "./helpers.js"

const words = (key: string) => Result.getOrThrow(recoveryWords(key))

describe("recovery words", () => {
  it("a key gives 24 BIP39 words that give the key back, however they are typed", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const list = entropyToMnemonic(bytes, wordlist)
        const key = Result.getOrThrow(keyFromRecoveryWords(list))
        expect(words(key).join(" ")).toBe(list)
        expect(
          Result.getOrThrow(keyFromRecoveryWords(`  ${list.toUpperCase().replace(/ /g, ",\n ")} `))
        ).toBe(key)
      }),
      { seed: seedFor("recovery words"), numRuns: runs(50) }
    )
    const key = generateFamilyKey()
    expect(words(key)).toHaveLength(24)
  })

  it("a wrong word, a checksum that does not match, or a wrong count is a clear error that repeats no word", () => {
    const list = words(generateFamilyKey())
    const typo = [...list]
    typo[6] = `${typo[6]}x`
    const err = (text: string) => Result.getFailure(keyFromRecoveryWords(text))
    const unknown = Result.merge(keyFromRecoveryWords(typo.join(" "))) as {
      code: string
      position: number
      message: string
    }
    expect(unknown).toMatchObject({ _tag: "InvalidRecoveryWords", code: "unknown-word", position: 7 })
    expect(unknown.message).toBe("recovery words: word 7 is not a BIP39 English word (check its spelling)")
    // Two different list words swapped: every word is known, and the 8-bit checksum fails for all
    // but about 1 in 256 such swaps, so take the first swap of word 1 that it catches.
    const swapWith = (i: number) => {
      const swapped = [...list]
      ;[swapped[0], swapped[i]] = [swapped[i]!, swapped[0]!]
      return swapped
    }
    const caught = list
      .map((w, i) => (i > 0 && w !== list[0] ? keyFromRecoveryWords(swapWith(i).join(" ")) : undefined))
      .find((r) => r !== undefined && Result.isFailure(r))
    const checksum = Result.merge(caught!) as { code: string; message: string }
    expect(checksum.code).toBe("checksum")
    // The message is one fixed text (so it repeats no word: a substring check would trip on list
    // words such as "over" inside "recovery").
    expect(checksum.message).toBe(
      "recovery words: the checksum does not match (a word is wrong or out of order)"
    )
    expect(Result.merge(keyFromRecoveryWords(list.slice(0, 23).join(" ")))).toMatchObject({
      code: "word-count",
      count: 23
    })
    void err
    expect(Result.isFailure(recoveryWords("not a key"))).toBe(true)
  })
})

const options = (extra: Partial<OpenLogOptions>): OpenLogOptions => ({
  logId: "family-plain-1",
  caregiver: "parent-a",
  child: "baby-1",
  projections: { timeZone: "Europe/Berlin", dayStartHour: 6 },
  persistence: { kind: "memory" },
  ...extra
})

describe("copyToSealedLog", () => {
  it("copies every event with its id, time and author; the projections are equal; again copies nothing", async () => {
    const seed = seedFor("copyToSealedLog")
    let s = seed
    const int = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return s % n
    }
    await using plain = await openLog(options({}))
    for (let i = 0; i < 60; i++) {
      await plain.append(
        randomDraft(int, new Date(Date.parse("2027-03-01T00:00:00Z") + i * 3_600_000).toISOString())
      )
    }
    await plain.retract(plain.events[3]!.id, "wrong side")
    await using sealed = await openLog(options({ logId: "family-sealed-9", key: generateFamilyKey() }))
    const report = await copyToSealedLog(plain, sealed)
    expect(report).toEqual({ copied: 61, already: 0, notCopied: 0, total: 61 })
    expect(sealed.events).toEqual(plain.events)
    expect(sealed.dailyTotals).toEqual(plain.dailyTotals)
    expect(sealed.weightTrend).toEqual(plain.weightTrend)
    expect(sealed.relactationProgress).toEqual(plain.relactationProgress)
    expect(await copyToSealedLog(plain, sealed)).toEqual({ copied: 0, already: 61, notCopied: 0, total: 61 })
    await expect(copyToSealedLog(sealed, plain)).rejects.toMatchObject({
      _tag: "InvalidLogOptions",
      option: "from"
    })
  })
})
