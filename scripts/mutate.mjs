// `npm run mutate`: a small mutation pass. Each mutant is one deliberate bug; the tests named for it must fail.
//
//   npm run mutate                     every mutant
//   npm run mutate -- --only rebuild   mutants whose id contains "rebuild" (comma-separate several)
//   npm run mutate -- --list           print the mutants and whether each still applies, run nothing
//   npm run mutate -- --no-baseline    skip the unmutated run of the selected tests (faster, less safe)
//
// The working tree is never edited: the tracked and untracked (not ignored) files are copied to a temporary directory
// with node_modules symlinked, each mutant is applied there and undone in `finally`. A mutant's search string must
// occur exactly once in its file; one that no longer does (the code moved on) is reported as not applicable, never
// skipped silently. Before any mutant, the selected test files run unmutated once: a failing baseline would make
// every kill meaningless, so it stops the run. A mutant is killed when at least one of its tests fails, survives when
// all pass, and is an error when vitest fails without a failing test (a mutant that does not even load). The kill
// rate is killed / (killed + survived); errors and not-applicable mutants are listed apart. The result is written to
// bench/results/mutate-<timestamp>.json.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MUTANT_TIMEOUT_MS = 10 * 60_000;

const P = "test/unit/decisions/policies";
const L = "test/unit/learning";
const S = "test/unit/stats";
const I = "test/unit/ingest";

/**
 * Each mutant: where (file), the exact text to find (once) and what to put instead, and the narrowest test files
 * that claim to cover the behaviour. `why` says what the bug would do.
 */
const MUTANTS = [
  // ── Pure core: policies ────────────────────────────────────────────────────────────────────────────────────
  {
    id: "thompson-ignores-pool",
    file: "src/decisions/policies/thompson.ts",
    find: "posteriorFor(action, input.stats, input.pooled, input.params)",
    replace: "posteriorFor(action, input.stats, undefined, input.params)",
    why: "Thompson forgets the empirical-Bayes prior",
    tests: [`${P}/thompson.unit.test.ts`],
  },
  {
    id: "thompson-smallest-draw-wins",
    file: "src/decisions/policies/thompson.ts",
    find: "const draw = betaSample(alpha, beta, rng);",
    replace: "const draw = -betaSample(alpha, beta, rng);",
    why: "the worst posterior draw wins",
    tests: [`${P}/thompson.unit.test.ts`],
  },
  {
    id: "thompson-epsilon-mass-to-first-arm",
    file: "src/decisions/policies/thompson.ts",
    find: "(i === uncertain ? epsilon : 0)",
    replace: "(i === 0 ? epsilon : 0)",
    why: "the logged ε mass goes to the first arm, not the most uncertain one",
    tests: [`${P}/thompson.unit.test.ts`],
  },
  {
    id: "floor-clips-instead-of-mixing",
    file: "src/decisions/policies/propensity-floor.ts",
    find: "return p.map((v) => w / k + (1 - w) * v);",
    replace: "return p.map((v) => Math.max(w / k, v));",
    why: "the logged distribution is clipped, so it no longer matches the two-step draw",
    tests: [`${P}/propensity-floor.unit.test.ts`, `${P}/thompson.unit.test.ts`],
  },
  {
    id: "floor-branch-boundary",
    file: "src/decisions/policies/propensity-floor.ts",
    find: "if (u >= w) return undefined;",
    replace: "if (u > w) return undefined;",
    why: "u = K·f exactly takes the floor branch: its probability is no longer K·f",
    tests: [`${P}/propensity-floor.unit.test.ts`, `${P}/thompson.unit.test.ts`],
  },
  {
    id: "floor-mass-uncapped",
    file: "src/decisions/policies/propensity-floor.ts",
    find: "return Math.min(floor, MAX_FLOOR_MASS / k);",
    replace: "return floor;",
    why: "many arms turn the floor into uniform play",
    tests: [`${P}/propensity-floor.unit.test.ts`, `${P}/thompson.unit.test.ts`],
  },
  {
    id: "epsilon-linear-decay",
    file: "src/decisions/policies/uncertainty-epsilon.ts",
    find: "if (start > 0 && end > 0) return start * Math.pow(end / start, progress);",
    replace: "if (start > 0 && end > 0) return start + (end - start) * progress;",
    why: "ε decays linearly instead of geometrically",
    tests: [`${P}/uncertainty-epsilon.unit.test.ts`],
  },
  {
    id: "uncertain-arm-tie-goes-last",
    file: "src/decisions/policies/uncertainty-epsilon.ts",
    find: "if (posteriorVariance(posteriors[i]!) > posteriorVariance(posteriors[best]!)) best = i;",
    replace: "if (posteriorVariance(posteriors[i]!) >= posteriorVariance(posteriors[best]!)) best = i;",
    why: "variance ties go to the last arm, not the first",
    tests: [`${P}/uncertainty-epsilon.unit.test.ts`, `${P}/thompson.unit.test.ts`],
  },
  {
    id: "ucb1-bonus-over-total",
    file: "src/decisions/policies/ucb1.ts",
    find: "Math.sqrt((c * Math.log(total)) / n)",
    replace: "Math.sqrt((c * Math.log(total)) / total)",
    why: "the exploration bonus no longer shrinks with the arm's own count",
    tests: [`${P}/ucb1.unit.test.ts`],
  },
  {
    id: "deterministic-one-sided",
    file: "src/decisions/policies/deterministic.ts",
    find: "const chosen = Math.floor((hash / 0x1_0000_0000) * k);",
    replace: "const chosen = Math.floor((hash / 0x1_0000_0000) * (k - 1));",
    why: "v0 never picks the last action",
    tests: [`${P}/deterministic.unit.test.ts`],
  },
  {
    id: "pool-strength-uncapped",
    file: "src/decisions/policies/empirical-bayes.ts",
    find: "const strength = Math.min(poolingStrength, n);",
    replace: "const strength = poolingStrength;",
    why: "a thin pool lends more than its own count",
    tests: [`${P}/empirical-bayes.unit.test.ts`],
  },
  {
    id: "posterior-failures-from-successes",
    file: "src/decisions/policies/empirical-bayes.ts",
    find: "beta: prior.beta + (own?.failures ?? 0)",
    replace: "beta: prior.beta + (own?.successes ?? 0)",
    why: "the posterior's β counts successes",
    tests: [`${P}/empirical-bayes.unit.test.ts`],
  },
  // ── Pure core: reward specs and outcomes ──────────────────────────────────────────────────────────────────
  {
    id: "image-pregen-free-pregeneration",
    file: "src/learning/reward-specs/image-pregen.ts",
    find: 'const creditSpent = action === "pre_generate" || generatedOnDemand;',
    replace: "const creditSpent = generatedOnDemand;",
    why: "a pre-generated image costs no credit",
    tests: [`${L}/reward-specs/image-pregen.unit.test.ts`],
  },
  {
    id: "image-pregen-wait-under-pregenerate",
    file: "src/learning/reward-specs/image-pregen.ts",
    find: 'const waited = action === "on_demand" && generatedOnDemand;',
    replace: "const waited = generatedOnDemand;",
    why: "a user is charged waiting for an image that was already there",
    tests: [`${L}/reward-specs/image-pregen.unit.test.ts`],
  },
  {
    id: "growth-exposure-weight",
    file: "src/learning/reward-specs/growth-composite.ts",
    find: "return Math.min(1, 1000 / Math.max(1, impressions));",
    replace: "return Math.min(1, 100 / Math.max(1, impressions));",
    why: "exposure weighting starts at 100 impressions instead of 1000",
    tests: [`${L}/reward-specs/growth-composite.unit.test.ts`],
  },
  {
    id: "normalize-nan-is-neutral",
    file: "src/learning/normalize-reward.ts",
    find: "if (Number.isNaN(scaled)) return 0;",
    replace: "if (Number.isNaN(scaled)) return 0.5;",
    why: "a garbage reward counts as half a success",
    tests: [`${L}/normalize-reward.unit.test.ts`],
  },
  {
    id: "window-end-exclusive",
    file: "src/learning/aggregate-events.ts",
    find: "if (!(event.occurred_at <= windowEnd)) continue;",
    replace: "if (!(event.occurred_at < windowEnd)) continue;",
    why: "an event at exactly the window's end is dropped",
    tests: [`${L}/aggregate-events.unit.test.ts`, `${L}/compute-outcome.unit.test.ts`],
  },
  {
    id: "learn-from-success-always",
    file: "src/learning/compute-outcome.ts",
    find: 'learnValue: spec.learnFrom === "reward" ? normalized : result.success ? 1 : 0,',
    replace: "learnValue: result.success ? 1 : 0,",
    why: "a spec that learns from the reward learns from success instead",
    tests: [`${L}/compute-outcome.unit.test.ts`],
  },
  {
    id: "arm-stats-ignore-half-life-in-failures",
    file: "src/learning/aggregate-arm-stats.ts",
    find: "arm.failures += w * (1 - r.learn_value);",
    replace: "arm.failures += 1 - r.learn_value;",
    why: "old failures are not down-weighted by the half-life",
    tests: [`${L}/aggregate-arm-stats.unit.test.ts`],
  },
  {
    id: "arm-stats-pool-without-weight",
    file: "src/learning/aggregate-arm-stats.ts",
    find: "pool.n += w;",
    replace: "pool.n += 1;",
    why: "the pooled count ignores the half-life",
    tests: [`${L}/aggregate-arm-stats.unit.test.ts`],
  },
  // ── Pure core: statistics ─────────────────────────────────────────────────────────────────────────────────
  {
    id: "gamma-sampler-wrong-d",
    file: "src/stats/beta-sample.ts",
    find: "const d = shape - 1 / 3;",
    replace: "const d = shape - 1 / 2;",
    why: "Marsaglia–Tsang with the wrong d: Gamma and Beta draws are biased",
    tests: [`${S}/beta-sample.unit.test.ts`],
  },
  {
    id: "lanczos-shift",
    file: "src/stats/special-functions.ts",
    find: "const t = z + LANCZOS_G + 0.5;",
    replace: "const t = z + LANCZOS_G;",
    why: "log Γ off by a shift",
    tests: [`${S}/special-functions.unit.test.ts`],
  },
  {
    id: "argmax-loose-tolerance",
    file: "src/stats/argmax-probability.ts",
    find: "const TOLERANCE = 1e-10;",
    replace: "const TOLERANCE = 1e-3;",
    why: "P(arm is best) integrated to 1e-3 instead of 1e-10",
    tests: [`${S}/argmax-probability.unit.test.ts`],
  },
  {
    id: "seeded-rng-counter-step",
    file: "src/stats/random.ts",
    find: "d = (d + 1) | 0;",
    replace: "d = (d + 2) | 0;",
    why: "seededRng is no longer sfc32",
    tests: [`${S}/random.unit.test.ts`],
  },
  // ── Pure core: PII guard basics and event validation ──────────────────────────────────────────────────────
  {
    id: "pii-email-key-allowed",
    file: "src/ingest/pii/key-words.ts",
    find: 'personal("email"), personal("e mail"),',
    replace: 'personal("e mail"),',
    why: "a key named like user_email passes",
    tests: [`${I}/pii-guard.unit.test.ts`, `${I}/pii-corpus.unit.test.ts`],
  },
  {
    id: "pii-no-nfkc",
    file: "src/ingest/pii/normalize.ts",
    find: 'const out = value.normalize("NFKC")',
    replace: "const out = value",
    why: "full-width addresses and digits (a＠b.com, ＋１ ５５５…) pass",
    tests: [`${I}/pii-reproducers.unit.test.ts`, `${I}/pii-corpus.unit.test.ts`],
  },
  {
    id: "pii-luhn-no-doubling",
    file: "src/ingest/pii/values.ts",
    find: "if (i % 2 === 1) {",
    replace: "if (i % 2 === 2) {",
    why: "the Luhn check stops doubling every second digit: real card numbers pass",
    tests: [`${I}/pii-reproducers.unit.test.ts`, `${I}/pii-rules.unit.test.ts`],
  },
  {
    id: "validate-past-bound-31-days",
    file: "src/ingest/validate-events.ts",
    find: "export const MAX_PAST_MS = 30 * 24 * HOUR;",
    replace: "export const MAX_PAST_MS = 31 * 24 * HOUR;",
    why: "events 30–31 days old are accepted",
    tests: [`${I}/validate-events.unit.test.ts`],
  },
  {
    id: "validate-future-bound-doubled",
    file: "src/ingest/validate-events.ts",
    find: "if (occurredAt > ctx.now + MAX_FUTURE_MS)",
    replace: "if (occurredAt > ctx.now + 2 * MAX_FUTURE_MS)",
    why: "events up to 48 h in the future are accepted",
    tests: [`${I}/validate-events.unit.test.ts`],
  },
  {
    id: "validate-resource-id-unchecked",
    file: "src/ingest/validate-events.ts",
    find: '"resource_type", "resource_id",',
    replace: '"resource_type",',
    why: "contact data in resource_id passes",
    tests: [`${I}/validate-events.unit.test.ts`],
  },
  // ── Edges: hardening (dates, bodies, rate limits, partial enqueue, dead letters, links) ─────────────────────
  {
    id: "report-date-no-upper-bound",
    file: "src/reports/report-dates.ts",
    find: "value >= MIN_REPORT_DATE && value <= MAX_REPORT_DATE",
    replace: "value >= MIN_REPORT_DATE",
    why: "9999-12-31 is accepted and its next day (year 10000) breaks the calendar",
    tests: ["test/reports/report-dates.integration.test.ts"],
  },
  {
    id: "gzip-limit-counts-nothing",
    file: "src/http/read-body.ts",
    find: "size += chunk.value.byteLength;",
    replace: "size += 0;",
    why: "a streamed or decompressed body is never stopped at the limit",
    tests: ["test/http/body-limits.integration.test.ts"],
  },
  {
    id: "authorise-after-body",
    file: "src/http/authorize.ts",
    find: "requireProjectAdmin(principal, named ?? principal.projectId);",
    replace: "void named;",
    why: "a user's malformed body on an admin route is answered with the schema error, not 403",
    tests: ["test/http/body-limits.integration.test.ts"],
  },
  {
    id: "rate-limit-ignores-other-isolates",
    file: "src/http/rate-counter.ts",
    find: "knownTotal: Math.max(state.knownTotal, total)",
    replace: "knownTotal: state.knownTotal",
    why: "each isolate enforces the limit alone: N isolates allow N times the limit",
    tests: ["test/unit/http/rate-counter.unit.test.ts"],
  },
  {
    id: "partial-enqueue-claims-all",
    file: "src/ingest/ingest-events.ts",
    find: "const queued = rows.filter((_, position) => !refusedSet.has(position));",
    replace: "const queued = rows;",
    why: "events the queue refused are reported accepted, and a client never resends them",
    tests: ["test/ingest/enqueue-partial.integration.test.ts"],
  },
  {
    id: "dead-letter-backoff-flat",
    file: "src/ingest/consumer.ts",
    find: "30 * 2 ** Math.max(0, attempts - 1)",
    replace: "30",
    why: "100 deliveries 30 s apart cover under an hour of D1 outage",
    tests: ["test/ingest/dead-letter-consumer.integration.test.ts"],
  },
  {
    id: "download-expires-leading-zero",
    file: "src/reports/exports/download-links.ts",
    find: "const CANONICAL_EXPIRES = /^[1-9]\\d{0,11}$/;",
    replace: "const CANONICAL_EXPIRES = /^\\d{1,12}$/;",
    why: "?expires=0<digits> is another spelling of a signed link and is accepted",
    tests: ["test/unit/reports/exports/download-links.unit.test.ts"],
  },
  // ── Edges: enqueue ───────────────────────────────────────────────────────────────────────────────────────
  {
    id: "enqueue-101-messages",
    file: "src/ingest/enqueue.ts",
    find: "current.length >= SEND_BATCH_MAX_MESSAGES",
    replace: "current.length > SEND_BATCH_MAX_MESSAGES",
    why: "a sendBatch of 101 messages, over the Queues limit",
    tests: [`${I}/enqueue.unit.test.ts`],
  },
  {
    id: "enqueue-bytes-unchecked-for-next",
    file: "src/ingest/enqueue.ts",
    find: "bytes + size > SEND_BATCH_MAX_BYTES",
    replace: "bytes > SEND_BATCH_MAX_BYTES",
    why: "a chunk may exceed 256 KB with the message that tips it over",
    tests: [`${I}/enqueue.unit.test.ts`],
  },
  {
    id: "enqueue-first-chunk-only",
    file: "src/ingest/enqueue.ts",
    find: "await Promise.allSettled(positions.map(",
    replace: "await Promise.allSettled(positions.slice(0, 1).map(",
    why: "only the first sendBatch is sent; the rest of an accepted request is lost",
    tests: [`${I}/enqueue.unit.test.ts`],
  },
  // ── Edges: the events consumer and dead letters ──────────────────────────────────────────────────────────
  {
    id: "events-insert-without-on-conflict",
    file: "src/ingest/write-events.ts",
    find: ".onConflictDoNothing({ target: [events.projectId, events.eventId] })",
    replace: "",
    why: "a redelivered or re-sent event conflicts, is retried and dead-lettered",
    tests: ["test/ingest/ingest.integration.test.ts"],
  },
  {
    id: "consumer-acks-failed-write",
    file: "src/ingest/consumer.ts",
    find: "      message.retry({ delaySeconds });",
    replace: "      message.ack();",
    why: "an event whose write failed is acked and lost",
    tests: ["test/ingest/consumer.integration.test.ts"],
  },
  {
    id: "consumer-backoff-starts-at-10s",
    file: "src/ingest/consumer.ts",
    find: "return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));",
    replace: "return Math.min(300, 5 * 2 ** attempts);",
    why: "the first retry waits 10 s, not 5 s",
    tests: [`${I}/consumer.unit.test.ts`],
  },
  {
    id: "dead-letters-without-on-conflict",
    file: "src/ingest/dead-letters.ts",
    find: ".values(rows.slice(i, i + ROWS_PER_INSERT)).onConflictDoNothing());",
    replace: ".values(rows.slice(i, i + ROWS_PER_INSERT)));",
    why: "a dead letter delivered twice fails its second store",
    tests: ["test/ingest/consumer.integration.test.ts"],
  },
  // ── Edges: decisions ─────────────────────────────────────────────────────────────────────────────────────
  {
    id: "decision-flush-without-on-conflict",
    file: "src/decisions/decision-rows.ts",
    find: '"ON CONFLICT (id) DO NOTHING"',
    replace: '""',
    why: "a flush repeated after a lost acknowledgement fails on the primary key forever, and its rows never leave the bucket",
    tests: ["test/decisions/decision-flush.integration.test.ts"],
  },
  {
    id: "twin-decision-not-withdrawn",
    file: "src/decisions/decide.ts",
    find: "if (settled.discardOurs) await withdraw();",
    replace: "if (false) await withdraw();",
    why: "a request_id twin in another bucket leaves a second decision that reaches D1, one nobody acted on",
    tests: ["test/decisions/request-claims.integration.test.ts"],
  },
  {
    id: "failed-flush-not-rescheduled",
    file: "src/decisions/bandit-bucket-do.ts",
    find: "await this.ctx.storage.setAlarm(Date.now() + retryMs);",
    replace: "void retryMs;",
    why: "decisions whose flush failed wait in the bucket until some later decision happens to schedule another",
    tests: ["test/decisions/decision-flush.integration.test.ts"],
  },
  {
    id: "bucket-restore-disabled",
    file: "src/decisions/bandit-bucket-do.ts",
    find: "      if (stored) {",
    replace: "      if (stored && false) {",
    why: "an evicted BanditBucket forgets its statistics",
    tests: ["test/decisions/bandit-bucket.integration.test.ts"],
  },
  {
    id: "bucket-load-not-stored",
    file: "src/decisions/bandit-bucket-do.ts",
    find: "    await this.ctx.storage.put(STORAGE_KEY, { key, stats });\n",
    replace: "",
    why: "loaded statistics live in memory only",
    tests: ["test/decisions/bandit-bucket.integration.test.ts"],
  },
  {
    id: "bucket-reloads-same-version",
    file: "src/decisions/bandit-bucket-do.ts",
    find: "if (this.current && stats.version <= this.current.version)",
    replace: "if (this.current && stats.version < this.current.version)",
    why: "a replayed load of the same version replaces the statistics",
    tests: ["test/decisions/bandit-bucket.integration.test.ts"],
  },
  {
    id: "bucket-never-catches-up",
    file: "src/decisions/bandit-bucket-do.ts",
    find: "if ((latest?.v ?? 0) <= this.current.version) return this.current;",
    replace: "return this.current;",
    why: "a bucket that missed a push never reads the newer version from D1",
    tests: ["test/decisions/bandit-bucket.integration.test.ts"],
  },
  // ── Edges: the learning jobs ────────────────────────────────────────────────────────────────────────────
  {
    id: "rebuild-write-not-atomic",
    file: "src/learning/rebuild-bandit-stats.ts",
    find: "  await d1.batch(statements);",
    replace: "  for (const s of statements) await s.run();",
    why: "a failure mid-write leaves half a version",
    tests: ["test/learning/learning-loop.integration.test.ts"],
  },
  {
    id: "rebuild-keeps-old-rows",
    file: "src/learning/rebuild-bandit-stats.ts",
    find: 'd1.prepare("DELETE FROM bandit_arm_stats WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3").bind(t.projectId, t.decisionType, t.policyId),',
    replace: "",
    why: "the previous version's rows are not replaced",
    tests: ["test/learning/learning-loop.integration.test.ts"],
  },
  {
    id: "rebuild-guard-off-by-one",
    file: "src/learning/rebuild-bandit-stats.ts",
    find: "if (freshCount < opts.minFresh) {",
    replace: "if (freshCount <= opts.minFresh) {",
    why: "MIN_FRESH_OUTCOMES fresh outcomes are not enough",
    tests: ["test/learning/learning-loop.integration.test.ts"],
  },
  {
    id: "rebuild-trains-on-simulated",
    file: "src/learning/rebuild-bandit-stats.ts",
    find: "WHERE project_id = ?1 AND decision_type = ?2 AND pass = ?3 AND simulated = 0 AND computed_at <= ?4`,",
    replace: "WHERE project_id = ?1 AND decision_type = ?2 AND pass = ?3 AND computed_at <= ?4`,",
    why: "simulated decisions train the policy",
    tests: ["test/learning/learning-loop.integration.test.ts"],
  },
  {
    id: "outcomes-insert-without-upsert",
    file: "src/learning/build-bandit-dataset.ts",
    find: "    `ON CONFLICT (decision_id, pass) DO UPDATE SET reward = excluded.reward, normalized_reward = excluded.normalized_reward,\n       learn_value = excluded.learn_value, success = excluded.success, metrics = excluded.metrics, computed_at = excluded.computed_at\n     WHERE decision_outcomes.reward IS NOT excluded.reward OR decision_outcomes.success IS NOT excluded.success\n        OR decision_outcomes.metrics IS NOT excluded.metrics`,\n",
    replace: "",
    why: "two overlapping builds collide on (decision_id, pass) and one fails",
    tests: ["test/learning/learning-loop.integration.test.ts"],
  },
  {
    id: "job-continuation-dropped",
    file: "src/jobs/runner.ts",
    find: "    if (result.continueWith) {",
    replace: "    if (false && result.continueWith) {",
    why: "a job that outgrew one invocation never finishes",
    tests: ["test/learning/learning-loop.integration.test.ts"],
  },
  {
    id: "cron-swallows-failure",
    file: "src/jobs/run-scheduled.ts",
    find: "  if (failed) throw failed;",
    replace: "  void failed;",
    why: "a failed job leaves the cron invocation green",
    tests: ["test/jobs/jobs-api.integration.test.ts"],
  },
];

// ── the runner ─────────────────────────────────────────────────────────────────────────────────────────────

function parseArgs(argv) {
  const args = { only: null, list: false, baseline: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") args.only = argv[++i].split(",").filter(Boolean);
    else if (a.startsWith("--only=")) args.only = a.slice(7).split(",").filter(Boolean);
    else if (a === "--list") args.list = true;
    else if (a === "--no-baseline") args.baseline = false;
    else if (a === "--keep") args.keep = true;
    else if (a === "--help" || a === "-h") {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(0, 6).join("\n"));
      process.exit(0);
    } else {
      console.error(`unknown argument ${a} (see --help)`);
      process.exit(2);
    }
  }
  return args;
}

function occurrences(text, find) {
  let n = 0;
  for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + 1)) n++;
  return n;
}

/** Whether the mutant still applies to the tree at `root`: exactly one occurrence, and its test files exist. */
function check(root, m) {
  const file = path.join(root, m.file);
  if (!fs.existsSync(file)) return `file ${m.file} is gone`;
  const n = occurrences(fs.readFileSync(file, "utf8"), m.find);
  if (n !== 1) return `search string found ${n} times in ${m.file} (must be exactly once)`;
  const missing = m.tests.filter((t) => !fs.existsSync(path.join(root, t)));
  if (missing.length > 0) return `test file(s) missing: ${missing.join(", ")}`;
  return null;
}

/** Copies the working tree (tracked and untracked-but-not-ignored files) to a temp dir; node_modules is a symlink. */
function copyTree() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgeloop-mutate-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, maxBuffer: 64 << 20 })
    .toString()
    .split("\0")
    .filter(Boolean);
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (!fs.existsSync(from) || fs.statSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, f));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs vitest on the files in `cwd`; resolves with the exit code, the JSON report (if any) and whether it timed out. */
function runVitest(cwd, files) {
  const report = path.join(cwd, `.mutate-report-${process.pid}-${Date.now()}.json`);
  const vitest = path.join(ROOT, "node_modules", "vitest", "vitest.mjs");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, "run", ...files, "--reporter=json", `--outputFile=${report}`], {
      cwd,
      env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, MUTANT_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      let json = null;
      try {
        json = JSON.parse(fs.readFileSync(report, "utf8"));
        fs.rmSync(report);
      } catch {}
      resolve({ code, json, timedOut, stderr });
    });
  });
}

function failedTestNames(json) {
  if (!json) return [];
  return json.testResults.flatMap((f) =>
    f.assertionResults.filter((a) => a.status === "failed").map((a) => `${path.basename(f.name)} › ${a.fullName ?? a.title}`),
  );
}

function classify(run) {
  if (run.timedOut) return "timeout";
  const failed = run.json?.numFailedTests ?? 0;
  if (run.code === 0 && run.json && run.json.numPassedTests > 0) return "survived";
  if (failed > 0) return "killed";
  return "error";
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const selected = args.only ? MUTANTS.filter((m) => args.only.some((o) => m.id.includes(o))) : MUTANTS;
  const ids = new Set();
  for (const m of MUTANTS) {
    if (ids.has(m.id)) throw new Error(`duplicate mutant id ${m.id}`);
    ids.add(m.id);
  }
  if (selected.length === 0) {
    console.error("no mutant matches --only");
    process.exit(2);
  }

  if (args.list) {
    for (const m of selected) {
      const problem = check(ROOT, m);
      console.log(`${problem ? "NOT APPLICABLE" : "ok            "}  ${m.id.padEnd(40)} ${m.file}${problem ? `  (${problem})` : ""}`);
    }
    return;
  }

  const started = new Date();
  const tmp = copyTree();
  console.log(`mutate: ${selected.length} mutants, working copy ${tmp}`);
  const results = [];
  try {
    const applicable = selected.filter((m) => !check(tmp, m));
    if (args.baseline) {
      const files = [...new Set(applicable.flatMap((m) => m.tests))].sort();
      process.stdout.write(`baseline: ${files.length} test files unmutated … `);
      const t0 = Date.now();
      const base = await runVitest(tmp, files);
      const ok = classify(base) === "survived";
      console.log(`${ok ? "green" : "NOT GREEN"} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      if (!ok) {
        console.error(failedTestNames(base.json).join("\n") || base.stderr);
        console.error("mutate: the unmutated tests must pass first; nothing was mutated");
        process.exitCode = 1;
        return;
      }
    }

    for (const [i, m] of selected.entries()) {
      const label = `[${String(i + 1).padStart(2)}/${selected.length}] ${m.id}`;
      const problem = check(tmp, m);
      if (problem) {
        console.log(`${label.padEnd(52)} NOT APPLICABLE: ${problem}`);
        results.push({ ...m, status: "not_applicable", problem });
        continue;
      }
      const file = path.join(tmp, m.file);
      const original = fs.readFileSync(file, "utf8");
      const t0 = Date.now();
      let run;
      try {
        fs.writeFileSync(file, original.replace(m.find, () => m.replace));
        run = await runVitest(tmp, m.tests);
      } finally {
        fs.writeFileSync(file, original);
      }
      const status = classify(run);
      const failed = failedTestNames(run.json);
      const seconds = (Date.now() - t0) / 1000;
      console.log(`${label.padEnd(52)} ${status.toUpperCase().padEnd(9)} ${seconds.toFixed(0).padStart(4)} s${status === "killed" ? `  by ${failed[0]}${failed.length > 1 ? ` (+${failed.length - 1})` : ""}` : ""}`);
      if (status === "error") console.log(`    ${run.stderr.trim().split("\n").slice(-3).join("\n    ")}`);
      results.push({ ...m, status, duration_s: Math.round(seconds), failed_tests: failed, ...(status === "error" ? { stderr: run.stderr.slice(-2000) } : {}) });
    }
  } finally {
    if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (results.length === 0) return;

  const count = (s) => results.filter((r) => r.status === s).length;
  const killed = count("killed") + count("timeout");
  const survived = count("survived");
  const summary = {
    mutants: results.length,
    killed,
    survived,
    timeouts: count("timeout"),
    errors: count("error"),
    not_applicable: count("not_applicable"),
    kill_rate: killed + survived > 0 ? killed / (killed + survived) : null,
  };
  console.log(
    `\nkill rate ${summary.kill_rate === null ? "n/a" : `${(100 * summary.kill_rate).toFixed(1)}%`}: ${killed} killed, ${survived} survived` +
      (summary.errors ? `, ${summary.errors} errors` : "") +
      (summary.not_applicable ? `, ${summary.not_applicable} not applicable` : ""),
  );
  for (const r of results.filter((x) => x.status === "survived")) console.log(`  SURVIVED ${r.id}: ${r.why} (${r.file}; ${r.tests.join(", ")})`);
  for (const r of results.filter((x) => x.status === "not_applicable")) console.log(`  NOT APPLICABLE ${r.id}: ${r.problem}`);

  const git = (...a) => {
    try {
      return execFileSync("git", a, { cwd: ROOT }).toString().trim();
    } catch {
      return null;
    }
  };
  const out = {
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    commit: git("rev-parse", "HEAD"),
    dirty: (git("status", "--porcelain") ?? "") !== "",
    node: process.version,
    selection: args.only,
    summary,
    mutants: results.map(({ id, file, why, tests, status, duration_s, failed_tests, problem, stderr }) => ({ id, file, why, tests, status, duration_s, failed_tests, problem, stderr })),
  };
  const dir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const name = path.join(dir, `mutate-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(name, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, name)}`);
  if (survived > 0 || summary.errors > 0) process.exitCode = 1;
}

await main();
