// The D1 schema in TypeScript; migrations/ is generated from it with drizzle-kit. Times are epoch milliseconds.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Overrides INGEST_RATE_LIMIT_PER_MINUTE for this project's keys (a per-tenant quota). */
  ingestRateLimitPerMinute: integer("ingest_rate_limit_per_minute"),
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
  ],
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

