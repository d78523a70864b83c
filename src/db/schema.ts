// The D1 schema in TypeScript; migrations/ is generated from it with drizzle-kit. Times are epoch milliseconds.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Overrides INGEST_RATE_LIMIT_PER_MINUTE for this project's keys (a per-tenant quota). */
  ingestRateLimitPerMinute: integer("ingest_rate_limit_per_minute"),
  /** IANA time zone that reports' days are cut in; UTC when unset. */
  timeZone: text("time_zone").notNull().default("UTC"),
  /** The event that marks a sign-up, for registration cohorts. */
  signupEvent: text("signup_event"),
  /** What happens to a stored identifier that looks like personal data: `refuse` or `pseudonymize` (src/ingest/pii/identifiers.ts). */
  piiIdentifiers: text("pii_identifiers").notNull().default("refuse"),
  /** JSON array of context/properties keys the anti-PII key rules skip; their values are still checked. */
  piiAllowedKeys: text("pii_allowed_keys").notNull().default("[]"),
  createdAt: integer("created_at").notNull(),
});

/** Write-only browser keys. Only the SHA-256 of the secret is kept; the key is shown once, at creation. */
export const publishableKeys = sqliteTable(
  "publishable_keys",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull().references(() => projects.id),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, so an operator can tell keys apart without the secret. */
    keyPrefix: text("key_prefix").notNull(),
    label: text("label"),
    /** JSON array of origins ("https://app.example.com", or "*" for any). */
    allowedOrigins: text("allowed_origins").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("publishable_keys_key_hash").on(t.keyHash), index("publishable_keys_project").on(t.projectId)],
);

/** The controlled vocabulary of event names, per project. */
export const eventNames = sqliteTable(
  "event_names",
  {
    projectId: text("project_id").notNull().references(() => projects.id),
    name: text("name").notNull(),
    description: text("description"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.name] })],
);

export const events = sqliteTable(
  "events",
  {
    /** The idempotency key within a project: a redelivered message or a re-sent event never adds a row. */
    eventId: text("event_id").notNull(),
    projectId: text("project_id").notNull(),
    eventName: text("event_name").notNull(),
    occurredAt: integer("occurred_at").notNull(),
    receivedAt: integer("received_at").notNull(),
    userId: text("user_id"),
    /** 1 when user_id is a verified JWT subject, 0 when a browser supplied it (anonymous/pseudonymous). */
    userIdentified: integer("user_identified").notNull().default(0),
    clientSessionId: text("client_session_id"),
    requestId: text("request_id"),
    resourceType: text("resource_type"),
    resourceId: text("resource_id"),
    decisionId: text("decision_id"),
    policyId: text("policy_id"),
    src: text("src"),
    context: text("context"),
    properties: text("properties"),
    country: text("country"),
    browser: text("browser"),
    os: text("os"),
    deviceType: text("device_type"),
  },
  // Every report and job filters by project first, so project leads the composite indexes.
  (t) => [
    // Scoped by project, so one tenant's ids can never collide with (or pre-empt) another's.
    primaryKey({ columns: [t.projectId, t.eventId] }),
    index("events_project_occurred").on(t.projectId, t.occurredAt),
    index("events_decision").on(t.decisionId),
    index("events_project_user_occurred").on(t.projectId, t.userId, t.occurredAt),
    index("events_project_name_occurred").on(t.projectId, t.eventName, t.occurredAt),
    // Popularity forecasts read one resource's daily counts.
    index("events_project_resource_occurred").on(t.projectId, t.resourceType, t.resourceId, t.occurredAt),
    // Experiment metrics probe one unit's events of one name in its window. Without it SQLite (no ANALYZE statistics)
    // prefers (project, event_name, occurred_at) and walks every unit's purchases in the window: bench:experiments.
    index("events_project_user_name_occurred").on(t.projectId, t.userId, t.eventName, t.occurredAt),
  ],
);

/**
 * Identity links from the compatibility intake (Segment identify/alias, PostHog $identify/$create_alias): the events
 * sent under `anonymous_id` are the identified `user_id`'s. Both ids are stored as events store them (hashed when
 * events' user ids are). The first link of an anonymous id wins (PostHog's rule: an anonymous id merges once).
 */
export const identities = sqliteTable(
  "identities",
  {
    projectId: text("project_id").notNull(),
    anonymousId: text("anonymous_id").notNull(),
    userId: text("user_id").notNull(),
    /** Which call made the link: identify or alias. */
    source: text("source").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.anonymousId] }), index("identities_project_user").on(t.projectId, t.userId)],
);

/** Messages that could never be written, kept for an operator to read and replay. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The queue the message was meant for; replay sends it back there. */
    queue: text("queue").notNull(),
    messageId: text("message_id").notNull(),
    projectId: text("project_id"),
    body: text("body").notNull(),
    reason: text("reason").notNull(),
    attempts: integer("attempts").notNull(),
    failedAt: integer("failed_at").notNull(),
    replayedAt: integer("replayed_at"),
  },
  (t) => [uniqueIndex("dead_letters_message").on(t.queue, t.messageId), index("dead_letters_project").on(t.projectId, t.failedAt)],
);


/** A decision type's current configuration (actions, bucket fields, policies). Every change adds a version row below. */
export const decisionTypes = sqliteTable(
  "decision_types",
  {
    projectId: text("project_id").notNull(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    config: text("config").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.name] })],
);

/** Every version a decision type has had, so a change can be audited and rolled back. */
export const decisionTypeVersions = sqliteTable(
  "decision_type_versions",
  {
    projectId: text("project_id").notNull(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    config: text("config").notNull(),
    changedBy: text("changed_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.name, t.version] })],
);

/** The distinct values each bucket field has taken; capped per field so callers cannot mint unbounded buckets. */
export const bucketValues = sqliteTable(
  "bucket_values",
  {
    projectId: text("project_id").notNull(),
    decisionType: text("decision_type").notNull(),
    field: text("field").notNull(),
    value: text("value").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.decisionType, t.field, t.value] })],
);

/** Every decision returned to a caller, with the propensity off-policy evaluation divides by. */
export const decisions = sqliteTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    decisionType: text("decision_type").notNull(),
    unitId: text("unit_id").notNull(),
    bucket: text("bucket").notNull(),
    action: text("action").notNull(),
    policyId: text("policy_id").notNull(),
    /** The arm-statistics version the policy decided from (0: none, e.g. the deterministic policy). */
    policyVersion: integer("policy_version").notNull(),
    propensity: real("propensity").notNull(),
    explored: integer("explored").notNull(),
    context: text("context"),
    resourceType: text("resource_type"),
    resourceId: text("resource_id"),
    requestId: text("request_id"),
    simulated: integer("simulated").notNull().default(0),
    /** The experiment the caller decided under (seed 004: `experiment_id` on each decision); null outside one. */
    experimentId: text("experiment_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // Lookups by request_id; idempotency itself is the RequestClaims objects' (migration 0006 explains why not unique).
    index("decisions_project_request").on(t.projectId, t.requestId),
    index("decisions_project_type_created").on(t.projectId, t.decisionType, t.createdAt),
  ],
);

/** Learned statistics per (decision type, policy, bucket, action); `version` is the rebuild that wrote them. */
export const banditArmStats = sqliteTable(
  "bandit_arm_stats",
  {
    projectId: text("project_id").notNull(),
    decisionType: text("decision_type").notNull(),
    policyId: text("policy_id").notNull(),
    bucket: text("bucket").notNull(),
    action: text("action").notNull(),
    version: integer("version").notNull(),
    n: real("n").notNull(),
    successes: real("successes").notNull(),
    failures: real("failures").notNull(),
    rewardSum: real("reward_sum").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.decisionType, t.policyId, t.bucket, t.action] })],
);

/** When each policy first served a decision: uncertainty-ε decays from this moment (seed 004: 0.20 → 0.05 over 14 days). */
export const policyStarts = sqliteTable(
  "policy_starts",
  {
    projectId: text("project_id").notNull(),
    decisionType: text("decision_type").notNull(),
    policyId: text("policy_id").notNull(),
    startedAt: integer("started_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.decisionType, t.policyId] })],
);

/** The job ledger: every run of every job, from cron, the admin API or the jobs queue. */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    id: text("id").primaryKey(),
    job: text("job").notNull(),
    params: text("params").notNull(),
    trigger: text("trigger").notNull(),
    status: text("status").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    rowsRead: integer("rows_read").notNull().default(0),
    rowsWritten: integer("rows_written").notNull().default(0),
    message: text("message"),
    /** Set on a run that continues another through the jobs queue (a page after the first). */
    continues: text("continues"),
  },
  (t) => [index("job_runs_job_started").on(t.job, t.startedAt)],
);

/** A decision's reward per attribution pass (1 = T+1h, 2 = final T+24h), built from its events. */
export const decisionOutcomes = sqliteTable(
  "decision_outcomes",
  {
    decisionId: text("decision_id").notNull(),
    pass: integer("pass").notNull(),
    projectId: text("project_id").notNull(),
    decisionType: text("decision_type").notNull(),
    bucket: text("bucket").notNull(),
    action: text("action").notNull(),
    simulated: integer("simulated").notNull(),
    decidedAt: integer("decided_at").notNull(),
    reward: real("reward").notNull(),
    /** The reward mapped to [0, 1] by the spec's range: what UCB1's mean and reward_sum add up. */
    normalizedReward: real("normalized_reward").notNull(),
    /** What the Beta statistics count as a success: 0/1, or the normalised reward (see the reward spec's learnFrom). */
    learnValue: real("learn_value").notNull(),
    success: integer("success").notNull(),
    metrics: text("metrics").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.decisionId, t.pass] }),
    index("decision_outcomes_type_pass_computed").on(t.projectId, t.decisionType, t.pass, t.computedAt),
  ],
);

/** One row per arm-statistics version: what it was built from, so the training guard can count fresh outcomes. */
export const banditStatsVersions = sqliteTable(
  "bandit_stats_versions",
  {
    projectId: text("project_id").notNull(),
    decisionType: text("decision_type").notNull(),
    policyId: text("policy_id").notNull(),
    version: integer("version").notNull(),
    outcomesCounted: integer("outcomes_counted").notNull(),
    freshOutcomes: integer("fresh_outcomes").notNull(),
    /** The newest outcome's computed_at included: outcomes after it are "fresh" for the next rebuild. */
    watermark: integer("watermark").notNull(),
    halfLifeDays: real("half_life_days"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.decisionType, t.policyId, t.version] })],
);

/** Daily rollups: one value per (project, local date, metric, dimensions); written idempotently by rollup_daily_metrics. */
export const metrics = sqliteTable(
  "metrics",
  {
    projectId: text("project_id").notNull(),
    date: text("date").notNull(),
    metricName: text("metric_name").notNull(),
    /** Canonical JSON of the dimensions ("{}" for none), so equal dimensions are equal strings. */
    dimensions: text("dimensions").notNull(),
    value: real("value").notNull(),
    timeZone: text("time_zone").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.date, t.metricName, t.dimensions] })],
);

/** Report exports (CSV/XLSX) built into R2 by the build_export job; the file is removed at expires_at. */
export const reportExports = sqliteTable(
  "exports",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    /** events | metrics | cohorts */
    reportType: text("report_type").notNull(),
    /** csv | xlsx */
    format: text("format").notNull(),
    /** JSON: from, to (local dates), time_zone pinned at creation, event_name. */
    params: text("params").notNull(),
    /** queued → running → done | failed; done → expired once the file is purged. */
    status: text("status").notNull(),
    r2Key: text("r2_key").notNull(),
    rows: integer("rows").notNull().default(0),
    fileSizeBytes: integer("file_size_bytes"),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
    /** When the file leaves R2 (EXPORT_RETENTION_DAYS after it was finished). */
    expiresAt: integer("expires_at"),
    error: text("error"),
  },
  (t) => [index("exports_project_created").on(t.projectId, t.createdAt), index("exports_status_expires").on(t.status, t.expiresAt)],
);

/**
 * A/B (and bandit) experiments per project. `variants`, `ranges` and the metrics are JSON (src/experiments/); the
 * columns every read filters on are plain. `version` counts changes, so an update can say which one it read.
 */
export const experiments = sqliteTable(
  "experiments",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    /** draft → running ⇄ stopped → archived (draft → archived too). */
    status: text("status").notNull(),
    version: integer("version").notNull(),
    /** JSON [{key, name, weight}]; the first variant is the control. */
    variants: text("variants").notNull(),
    /** Percent of units that enter the experiment (0–100). */
    trafficAllocation: real("traffic_allocation").notNull(),
    /** Hash seed (GrowthBook's `seed`): the key unless set. Fixed once the experiment has started. */
    seed: text("seed").notNull(),
    /** JSON, per variant, the hash ranges it owns ([start, end) pairs): kept across weight changes so no unit switches. */
    ranges: text("ranges").notNull(),
    primaryMetric: text("primary_metric").notNull(),
    guardrailMetrics: text("guardrail_metrics").notNull().default("[]"),
    decisionType: text("decision_type"),
    /** fixed: hash ranges; bandit: traffic follows a Thompson policy over the variants. */
    allocation: text("allocation").notNull().default("fixed"),
    startAt: integer("start_at"),
    endAt: integer("end_at"),
    startedAt: integer("started_at"),
    stoppedAt: integer("stopped_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("experiments_project_key").on(t.projectId, t.key), index("experiments_status").on(t.status)],
);

/** Every change to an experiment: who changed what, when (the version it produced). */
export const experimentChanges = sqliteTable(
  "experiment_changes",
  {
    experimentId: text("experiment_id").notNull(),
    version: integer("version").notNull(),
    projectId: text("project_id").notNull(),
    /** create | update | start | stop | archive */
    action: text("action").notNull(),
    changedBy: text("changed_by").notNull(),
    /** JSON {field: {from, to}} of the fields the change touched. */
    changes: text("changes").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.version] })],
);

/**
 * Per-variant sufficient statistics of one metric for the units first exposed on one UTC day. A day is recomputed by
 * the results job until its metric window has closed (`final`), then never read from events again.
 */
export const experimentResults = sqliteTable(
  "experiment_results",
  {
    experimentId: text("experiment_id").notNull(),
    metric: text("metric").notNull(),
    /** The exposure day (YYYY-MM-DD, UTC). */
    day: text("day").notNull(),
    variant: text("variant").notNull(),
    projectId: text("project_id").notNull(),
    units: integer("units").notNull(),
    /** Σ value per unit (ratio metrics: the numerator), and Σ value². */
    sum: real("sum").notNull(),
    sumSquares: real("sum_squares").notNull(),
    /** Ratio metrics: Σ denominator, Σ denominator², Σ numerator × denominator. */
    denominatorSum: real("denominator_sum"),
    denominatorSumSquares: real("denominator_sum_squares"),
    sumOfProducts: real("sum_of_products"),
    /** CUPED: Σ pre-exposure value, Σ pre², Σ post × pre. */
    preSum: real("pre_sum"),
    preSumSquares: real("pre_sum_squares"),
    prePostSumOfProducts: real("pre_post_sum_of_products"),
    final: integer("final").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.metric, t.day, t.variant] })],
);

/**
 * A bandit experiment's propensity-weighted comparison (doubly robust per-variant values and lifts over the control),
 * recomputed by the results job from the experiment's logged decisions and their final outcomes. One row per
 * experiment: the estimate needs every round at once (its interval is over per-round terms), so it is not per day.
 */
export const experimentBanditResults = sqliteTable("experiment_bandit_results", {
  experimentId: text("experiment_id").primaryKey(),
  projectId: text("project_id").notNull(),
  /** Decisions of the experiment with a final outcome (the rounds estimated from), and those still without one. */
  rounds: integer("rounds").notNull(),
  decisionsWithoutOutcome: integer("decisions_without_outcome").notNull(),
  /** JSON: the `propensity_weighted` block of the results route. */
  result: text("result").notNull(),
  computedAt: integer("computed_at").notNull(),
});

// ---- Ads (seed 001): an ad account's hierarchy, its daily insights, and what the ML jobs derive from them. ----

/** campaign → adset → ad, the three levels every ads table is keyed by (seed 001's `entity_type`). */
export const AD_ENTITY_TYPES = ["campaign", "adset", "ad"] as const;

/**
 * The hierarchy of an ad account (seed 001's `config_id`, scoped to the project that sent it). An entity's level is
 * fixed once stored; its parent is the level above (none for a campaign).
 */
export const adEntities = sqliteTable(
  "ad_entities",
  {
    projectId: text("project_id").notNull().references(() => projects.id),
    configId: integer("config_id").notNull(),
    entityId: text("entity_id").notNull(),
    entityType: text("entity_type", { enum: AD_ENTITY_TYPES }).notNull(),
    parentId: text("parent_id"),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "paused"] }).notNull(),
    /** Daily budget in the account's currency, where the entity has one (campaign budget or ad set budget). */
    dailyBudget: real("daily_budget"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.configId, t.entityId] }),
    index("ad_entities_level").on(t.projectId, t.configId, t.entityType, t.parentId),
  ],
);

/** One entity's delivery on one day (the account's reporting day). Re-sending a day replaces it. */
export const adInsights = sqliteTable(
  "ad_insights",
  {
    projectId: text("project_id").notNull(),
    configId: integer("config_id").notNull(),
    entityId: text("entity_id").notNull(),
    /** Copied from ad_entities so that a level's days are one index range. */
    entityType: text("entity_type", { enum: AD_ENTITY_TYPES }).notNull(),
    /** YYYY-MM-DD. */
    date: text("date").notNull(),
    spend: real("spend").notNull(),
    impressions: integer("impressions").notNull(),
    reach: integer("reach").notNull(),
    clicks: integer("clicks").notNull(),
    leads: integer("leads").notNull(),
    frequency: real("frequency"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.configId, t.entityId, t.date] }),
    index("ad_insights_level_date").on(t.projectId, t.configId, t.entityType, t.date),
  ],
);

/** Seed 001's `ml_features`: one EntityFeatures per entity and as-of day (the JSON holds every feature). */
export const mlFeatures = sqliteTable(
  "ml_features",
  {
    projectId: text("project_id").notNull(),
    configId: integer("config_id").notNull(),
    entityType: text("entity_type", { enum: AD_ENTITY_TYPES }).notNull().default("campaign"),
    entityId: text("entity_id").notNull(),
    asOfDate: text("as_of_date").notNull(),
    features: text("features").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.configId, t.entityId, t.asOfDate] }),
    index("ml_features_level").on(t.projectId, t.configId, t.entityType, t.asOfDate),
  ],
);

/**
 * Seed 001's `ml_classifications` (renamed from ml_campaign_classifications): the latest performance tier per entity,
 * with the features that drove it. The seed's two indexes keep their names; both lead with project_id, since every
 * read here is scoped to one project.
 */
export const mlClassifications = sqliteTable(
  "ml_classifications",
  {
    projectId: text("project_id").notNull(),
    configId: integer("config_id").notNull(),
    entityType: text("entity_type", { enum: AD_ENTITY_TYPES }).notNull().default("campaign"),
    entityId: text("entity_id").notNull(),
    tier: text("tier").notNull(),
    confidence: real("confidence").notNull(),
    /** JSON: the features that decided the tier, each with its value and what it was compared with. */
    drivers: text("drivers").notNull(),
    asOfDate: text("as_of_date").notNull(),
    classifiedAt: integer("classified_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.configId, t.entityId] }),
    index("idx_ml_classifications_entity_type").on(t.projectId, t.entityType),
    index("idx_ml_classifications_config_entity").on(t.projectId, t.configId, t.entityType, t.entityId),
  ],
);

/** One unusual day of one metric of one entity. Re-detection of the same day replaces it. */
export const mlAnomalies = sqliteTable(
  "ml_anomalies",
  {
    projectId: text("project_id").notNull(),
    configId: integer("config_id").notNull(),
    entityType: text("entity_type", { enum: AD_ENTITY_TYPES }).notNull(),
    entityId: text("entity_id").notNull(),
    metric: text("metric").notNull(),
    date: text("date").notNull(),
    value: real("value").notNull(),
    expected: real("expected").notNull(),
    /** Robust z: (value − expected) / (1.4826 · MAD). */
    score: real("score").notNull(),
    severity: text("severity").notNull(),
    direction: text("direction", { enum: ["up", "down"] }).notNull(),
    detectedAt: integer("detected_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.configId, t.entityId, t.metric, t.date] }),
    index("ml_anomalies_level_date").on(t.projectId, t.configId, t.entityType, t.date),
  ],
);

/**
 * Advice for one entity. At most one open recommendation per (entity, type): regeneration refreshes its evidence; a
 * recommendation whose rule stops firing expires; applied and dismissed ones hold the same advice back for a while.
 */
export const mlRecommendations = sqliteTable(
  "ml_recommendations",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    configId: integer("config_id").notNull(),
    entityType: text("entity_type", { enum: AD_ENTITY_TYPES }).notNull(),
    entityId: text("entity_id").notNull(),
    type: text("type").notNull(),
    status: text("status", { enum: ["open", "applied", "dismissed", "expired"] }).notNull(),
    priority: text("priority").notNull(),
    reason: text("reason").notNull(),
    /** JSON: the rule's thresholds and the feature values that met them. */
    evidence: text("evidence").notNull(),
    asOfDate: text("as_of_date").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [
    uniqueIndex("ml_recommendations_open").on(t.projectId, t.configId, t.entityId, t.type).where(sql`status = 'open'`),
    index("ml_recommendations_level").on(t.projectId, t.configId, t.entityType, t.status),
  ],
);

/** The latest forecast of one metric (spend, leads, cpl) of one campaign or ad set. */
export const mlForecasts = sqliteTable(
  "ml_forecasts",
  {
    projectId: text("project_id").notNull(),
    configId: integer("config_id").notNull(),
    entityType: text("entity_type", { enum: AD_ENTITY_TYPES }).notNull(),
    entityId: text("entity_id").notNull(),
    metric: text("metric").notNull(),
    asOfDate: text("as_of_date").notNull(),
    horizonDays: integer("horizon_days").notNull(),
    model: text("model").notNull(),
    /** JSON: [{date, value, lower, upper}] for each day of the horizon. */
    predictions: text("predictions").notNull(),
    /** JSON: the backtest on the last days of history, or null when the history is too short. */
    backtest: text("backtest"),
    generatedAt: integer("generated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.configId, t.entityId, t.metric] }),
    index("ml_forecasts_level").on(t.projectId, t.configId, t.entityType),
  ],
);
