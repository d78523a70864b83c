// Normalises a value before the PII value rules look at it, so disguised contact data reads like plain contact data.

// Zero-width and soft-hyphen characters render as nothing: "+1 555\u200b123" must read as "+1 555123".
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g;
const PERCENT = /%[0-9a-f]{2}/i;

/** Decodes %XX escapes (up to three layers: `%2540` → `%40` → `@`), tolerating malformed sequences. */
function percentDecode(value: string): string {
  let out = value;
  for (let i = 0; i < 3 && PERCENT.test(out); i++) {
    let next: string;
    try {
      next = decodeURIComponent(out);
    } catch {
      // A lone "%" or a byte sequence that is not UTF-8: decode the ASCII escapes only, one by one.
      next = out.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * What every value rule matches against: Unicode NFKC, which folds full-width and compatibility forms onto ASCII
 * (`＠` → `@`, `１２３` → `123`, `＋` → `+`); invisible characters removed; percent-decoding (`a%40b.com` → `a@b.com`),
 * as URLs and form posts carry addresses.
 */
export function normalizeValue(value: string): string {
  const out = value.normalize("NFKC").replace(INVISIBLE, "");
  return PERCENT.test(out) ? percentDecode(out).normalize("NFKC").replace(INVISIBLE, "") : out;
}

/**
 * The spelled-out forms people type to dodge scrapers: `(at)`, `[at]`, `{at}`, `<at>` and ` at ` between two words
 * become `@`; `(dot)`, `[dot]`, ` dot ` become `.`. Only the full-address rule (a dotted domain) reads this form, so
 * "stay at home" stays a phrase while `name(at)example.com` becomes an address. The sentence "look at example.com"
 * does become one: a cost accepted, because property values are short identifiers far more often than prose.
 */
export function spellOutAddress(normalized: string): string {
  if (!/at|dot/i.test(normalized)) return normalized;
  return normalized
    .replace(/\s*[([{<]\s*at\s*[)\]}>]\s*/gi, "@")
    .replace(/(?<=\S)\s+at\s+(?=\S)/gi, "@")
    .replace(/\s*[([{<]\s*dot\s*[)\]}>]\s*/gi, ".")
    .replace(/(?<=\S)\s+dot\s+(?=\S)/gi, ".");
}
