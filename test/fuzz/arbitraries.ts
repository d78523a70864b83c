// Generators shared by the fuzz properties: hostile strings, dates, numbers, JSON bodies, query strings and headers.
import fc from "fast-check";

const DAY_MS = 86_400_000;

/** A value that is usually the plausible one and sometimes anything: requests stay deep enough to reach handlers. */
export const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, goodWeight = 4) =>
  fc.oneof({ weight: goodWeight, arbitrary: good }, { weight: 1, arbitrary: bad });

/** Present one time in `oneIn`, else absent. */
export const optional = <T>(a: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

/** Strings that have broken parsers before: edge dates, numbers past double precision, prototype keys, encodings. */
export const NASTY_STRINGS = [
  "", " ", "\t", "0", "-0", "-1", "1e309", "-1e309", "NaN", "Infinity", "-Infinity", "1.5", "0x10", "1e3",
  "9007199254740993", "99999999999999999999999999", "-99999999999999999999999999", "null", "undefined", "true", "false",
  "[]", "{}", "__proto__", "constructor", "prototype", "toString", "hasOwnProperty",
  "%", "%%", "%zz", "%00", "%E0%A4%A", "..", "../..", "/", "\\", "'", "\"", "' OR 1=1 --", "<script>", "${x}", "{{x}}",
  "\u0000", "\u202e", "\ufeff", "\ud83d\ude00", "😀".repeat(70), "x".repeat(300), "x".repeat(5000),
  "UTC", "Europe/Berlin", "America/Sao_Paulo", "Etc/GMT+14", "Mars/Olympus",
];

/** Dates past the ends of the calendar a report handles: years 0–99 and 10000+, non-days, and near misses of YYYY-MM-DD. */
export const NASTY_DATES = [
  "0000-01-01", "0001-01-01", "0099-12-31", "0100-01-01", "1582-10-10", "1899-12-31", "1969-12-31", "1970-01-01",
  "2000-02-29", "2001-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-11-00", "2026-11-32",
  "9999-12-31", "9999-12-30", "+010000-01-01", "-000001-01-01", "+275760-09-13", "275760-09-13", "-271821-04-20",
  "2026-1-1", "20261111", "2026/11/11", "11/11/2026", "2026-11-11T00:00:00Z", "2026-11-11T25:00:00Z",
  "2026-11-11T00:00:00+14:00", "2026-11-11T00:00:00.000-12:00", "2026-W45", "2026-11", "2026", " 2026-11-11", "2026-11-11 ",
  "２０２６-１１-１１", "٢٠٢٦-١١-١١",
];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Any YYYY-MM-DD shaped string, including months 0/13 and days 0/32 in every year 0000–9999. */
export const calendarShapedDate = fc
  .record({ y: fc.integer({ min: 0, max: 9999 }), m: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }) })
  .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

/** A real date within `days` of today: the generator must also reach the code behind the validation. */
export const recentDate = (days = 400) =>
  fc.integer({ min: -days, max: days }).map((offset) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10));

/** Anything the whole JS date range formats to (years beyond 9999 come out as +YYYYYY). */
const anyInstantDate = fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, d.toISOString().indexOf("T")));

export const dateString = fc.oneof(
  { weight: 3, arbitrary: recentDate() },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_DATES) },
  { weight: 2, arbitrary: calendarShapedDate },
  { weight: 1, arbitrary: anyInstantDate },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** A from/to pair: mostly an ordered range of a few days (reaching the report), else two independent dates. */
export const dateRangeQuery = fc.oneof(
  {
    weight: 3,
    // Mostly short spans: a year-long report is slow enough to dominate the run; a few sit on the limit (366 days) and past it.
    arbitrary: fc.tuple(recentDate(), mostly(fc.integer({ min: -1, max: 14 }), fc.constantFrom(364, 365, 366, 367, 400, 10_000), 10)).map(([from, span]) => ({
      from,
      to: new Date(Date.parse(`${from}T00:00:00Z`) + span * DAY_MS).toISOString().slice(0, 10),
    })),
  },
  { weight: 2, arbitrary: fc.record({ from: dateString, to: dateString }) },
);

export const numberString = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.constantFrom("0", "-0", "1", "-1", "1e309", "1.0", "0.5", "1e2", "0x1f", "0b1", "1_000", " 1", "1 ", "+1", "NaN", "Infinity", "500", "501", "100000"),
);

/** Text of every kind: full Unicode (lone surrogates too), the nasty list, numbers and dates. */
export const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: numberString },
  { weight: 1, arbitrary: dateString },
);

/** Any JSON value, nested a little: what a client that ignores the schema sends. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 2, "", [], {}, [[]], { "": null }, JSON.parse('{"__proto__": {"polluted": 1}}')) },
  { weight: 1, arbitrary: anyString },
);

/** Replaces, removes or adds one field of a valid body: structured enough to pass the outer checks and reach deeper code. */
export function nearMiss<T extends Record<string, unknown>>(valid: fc.Arbitrary<T>, fields: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const field = fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 12 }));
  return fc.oneof(
    fc.tuple(valid, field, anyJson).map(([body, key, value]) => ({ ...body, [key]: value })),
    fc.tuple(valid, fc.constantFrom(...fields)).map(([body, key]) => {
      const copy: Record<string, unknown> = { ...body };
      delete copy[key];
      return copy;
    }),
    fc.tuple(valid, fc.constantFrom(...fields), anyString).map(([body, key, value]) => ({ ...body, [key]: value })),
    fc.tuple(valid, fc.constantFrom(...fields), numberString).map(([body, key, n]) => ({ ...body, [key]: Number(n) })),
  );
}

/**
 * A huge or deeply nested body, described rather than held (so a counterexample prints small): a valid body with one
 * more field holding a multi-MiB string, 100,000 keys, or arrays nested up to 100,000 deep, either at the top or
 * `inside` the body's first object-valued field (a context, properties, params or config object). Beside the filler
 * goes a key "0": an integer-like key sends V8's JSON.stringify down its recursive path. Sent as JSON text.
 */
export type HugeBody = { kind: "huge"; shape: "long-string" | "many-keys" | "deep"; size: number; inside: boolean; base: unknown };

export type Body = { kind: "json"; value: unknown } | { kind: "text"; text: string } | { kind: "none" } | HugeBody;

/** Bodies larger than this must never be accepted (2xx): no route takes more than MAX_REQUEST_BYTES (512 KiB) by default. */
export const UNBOUNDED_BODY_BYTES = 1024 * 1024;

const huge = (base: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
  fc.oneof(
    fc.record({ kind: fc.constant("huge" as const), shape: fc.constant("long-string" as const), size: fc.constantFrom(2 * 1024 * 1024, 6 * 1024 * 1024), inside: fc.boolean(), base }),
    fc.record({ kind: fc.constant("huge" as const), shape: fc.constant("many-keys" as const), size: fc.constant(100_000), inside: fc.boolean(), base }),
    fc.record({ kind: fc.constant("huge" as const), shape: fc.constant("deep" as const), size: fc.constantFrom(100, 10_000, 100_000), inside: fc.boolean(), base }),
  );

/** A request body: valid, nearly valid, any JSON, malformed text, or none. */
export function bodyOf(valid: fc.Arbitrary<unknown>, near?: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((value): Body => ({ kind: "json", value }));
  return fc.oneof(
    { weight: 14, arbitrary: json(valid) },
    { weight: near ? 8 : 0, arbitrary: json(near ?? valid) },
    { weight: 4, arbitrary: json(anyJson) },
    { weight: 1, arbitrary: huge(valid) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.string({ maxLength: 30 }), fc.constantFrom("{", "[", "{\"a\":", "nul", "'x'", "{\"a\":1}}", "\ufeff{}", "{} {}", "1 2", "\u0000"))
        .map((text): Body => ({ kind: "text", text })),
    },
    { weight: 2, arbitrary: fc.constant<Body>({ kind: "none" }) },
  );
}

export function bodyText(body: Body): string | undefined {
  if (body.kind === "none") return undefined;
  if (body.kind === "text") return body.text;
  if (body.kind === "json") return JSON.stringify(body.value);
  const filler =
    body.shape === "long-string"
      ? JSON.stringify("x".repeat(body.size))
      : body.shape === "deep"
        ? "[".repeat(body.size) + "]".repeat(body.size)
        : `{${Array.from({ length: body.size }, (_, i) => `"k${i}":${i}`).join(",")}}`;
  // The extra field rides on the valid body, so a route that does not bound its body would take it (and answer 2xx).
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  const base = isObject(body.base) ? body.base : {};
  const MARK = "\u0000filler\u0000";
  const host = body.inside ? Object.keys(base).find((k) => isObject(base[k])) : undefined;
  const withMark = host === undefined ? { ...base, "0": 0, padding: MARK } : { ...base, [host]: { ...(base[host] as object), "0": 0, padding: MARK } };
  return JSON.stringify(withMark).replace(JSON.stringify(MARK), filler);
}

/** Query parameters: the route's own names with their generators, plus stray names, repeats and broken percent-encoding. */
export function queryOf(own: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<{ params: Array<[string, string]>; raw: string }> {
  const ownPairs = Object.entries(own).map(([name, value]) => fc.option(value.map((v): [string, string] => [name, v]), { freq: 4 }));
  const strayPair = fc.tuple(fc.oneof(fc.constantFrom(...Object.keys(own), "project", "key", "limit", "__proto__"), fc.string({ maxLength: 8 })), anyString);
  const stray = mostly(fc.constant<Array<[string, string]>>([]), fc.array(strayPair, { minLength: 1, maxLength: 3 }), 3);
  const raw = fc.oneof(
    { weight: 6, arbitrary: fc.constant("") },
    { weight: 1, arbitrary: fc.constantFrom("&%", "&%zz=1", "&a=%E0%A4%A", "&=", "&&&", "&%00=%00", "&x[]=1&x[]=2", "&;", "&a=b=c", "&%F0%9F%98", "&+=+") },
  );
  return fc.tuple(fc.tuple(...ownPairs), stray, raw).map(([mine, extra, rawTail]) => ({
    params: [...mine.filter((p): p is [string, string] => p !== null), ...extra],
    raw: rawTail,
  }));
}

/** Header values a client can send: printable ASCII (browsers refuse the rest), or a few odd ones. */
export const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom("", " ", "x".repeat(300), "null", "undefined", "0", "-1", "a, b", "a; b", "\"quoted\"", "%E2%82%AC", "=?utf-8?b?w7w=?="),
);

export const CONTENT_TYPES = [
  "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/json; charset=latin1", "application/json;", "application/vnd.api+json",
  "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/octet-stream", "*/*", "", "json", "application/",
];

/** Headers besides credentials: content types, Idempotency-Key, Origin, client IP, request id, user agent. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record({
    "content-type": mostly(fc.constantFrom("application/json", "application/json; charset=utf-8"), fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue), 5),
    "idempotency-key": optional(headerValue, 4),
    // An Origin only browsers send; a publishable key binds it to the key's allow-list.
    origin: optional(mostly(fc.constant("https://app.example.com"), fc.oneof(fc.constantFrom("https://evil.example", "null", "http://localhost:3000", "file://", "https://app.example.com/"), headerValue), 2), 4),
    // A small pool of client IPs (and odd values): enough to spread the per-IP limit, few enough to bound rate-limiter objects.
    "cf-connecting-ip": optional(
      mostly(fc.integer({ min: 0, max: 255 }).map((i) => `198.51.100.${i}`), fc.constantFrom("::1", "2001:db8::1", "not-an-ip", "", "1.2.3.4, 5.6.7.8", "999.999.999.999")),
      2,
    ),
    "x-request-id": optional(headerValue, 4),
    "user-agent": optional(fc.oneof(fc.constantFrom("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "curl/8.0", "Googlebot/2.1"), headerValue), 3),
    accept: optional(fc.constantFrom("application/json", "*/*", "text/csv", "text/html"), 4),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined)));

/** Lone surrogates cannot be percent-encoded; a client would send U+FFFD for them. */
export const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

/** A path segment: ids that exist, arbitrary text (percent-encoded) and raw segments that break decoders. */
export function segment(known: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: known.map(encodeURIComponent) },
    { weight: 2, arbitrary: anyString.map((s) => encodeURIComponent(wellFormed(s))) },
    { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "%2F", "%00", "..", ".", "a%2Fb", "%F0%9F%98%80", "x".repeat(300)) },
  );
}
