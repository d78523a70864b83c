// RequestClaims: one Durable Object per (project, shard of request_ids), holding which decision answered each request_id.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/** What a claim records: enough to find the decision (its id names its bucket) and to refuse a reused request_id. */
export type Claim = { decisionId: string; decisionType: string; unitId: string; claimedAt: number };
export type ClaimAnswer = { won: true } | { won: false; claim: Claim };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS claims (
  project_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  decision_type TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, request_id)
);
CREATE TABLE IF NOT EXISTS legacy (project_id TEXT PRIMARY KEY, has_rows INTEGER NOT NULL);
`;

type ClaimRow = { decision_id: string; decision_type: string; unit_id: string; claimed_at: number };
const claimOf = (r: ClaimRow): Claim => ({ decisionId: r.decision_id, decisionType: r.decision_type, unitId: r.unit_id, claimedAt: r.claimed_at });

export class RequestClaims extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** The first proposal for a request_id wins; every later one is told the winner. */
  async claim(projectId: string, requestId: string, proposal: Claim): Promise<ClaimAnswer> {
    const legacy = this.current(projectId, requestId) ? null : await this.legacyDecision(projectId, requestId);
    // Read again after the await (another call may have claimed meanwhile); synchronous from here to the insert.
    const existing = this.current(projectId, requestId);
    if (existing) return { won: false, claim: existing };
    // A decision from before the claims answers the request_id, and becomes its claim (D1 is not asked again).
    this.insert(projectId, requestId, legacy ?? proposal);
    return legacy ? { won: false, claim: legacy } : { won: true };
  }

  /**
   * Points the claim at another decision, only if it still names `expected` (compare and set): used when the claimed
   * decision can never exist (its bucket answered the request_id with another one) or was never recorded.
   */
  async replace(projectId: string, requestId: string, expected: string, proposal: Claim): Promise<{ replaced: boolean; claim: Claim | null }> {
    const now = this.current(projectId, requestId);
    if (now && now.decisionId !== expected) return { replaced: false, claim: now };
    this.remove(projectId, requestId);
    this.insert(projectId, requestId, proposal);
    return { replaced: true, claim: proposal };
  }

  /** Drops a claim whose decision was never recorded (its bucket failed), so the client's retry is not refused. */
  async release(projectId: string, requestId: string, decisionId: string): Promise<boolean> {
    const now = this.current(projectId, requestId);
    if (!now || now.decisionId !== decisionId) return false;
    this.remove(projectId, requestId);
    return true;
  }

  private current(projectId: string, requestId: string): Claim | null {
    const [row] = this.sql
      .exec<ClaimRow>("SELECT decision_id, decision_type, unit_id, claimed_at FROM claims WHERE project_id = ? AND request_id = ?", projectId, requestId)
      .toArray();
    return row ? claimOf(row) : null;
  }

  private remove(projectId: string, requestId: string): void {
    this.sql.exec("DELETE FROM claims WHERE project_id = ? AND request_id = ?", projectId, requestId);
  }

  private insert(projectId: string, requestId: string, c: Claim): void {
    this.sql.exec(
      "INSERT INTO claims (project_id, request_id, decision_id, decision_type, unit_id, claimed_at) VALUES (?, ?, ?, ?, ?, ?)",
      projectId, requestId, c.decisionId, c.decisionType, c.unitId, c.claimedAt,
    );
  }

  /**
   * Decisions recorded before claims existed (UUID ids, written straight to D1) hold request_ids no claim knows. Once per
   * project and shard this object asks D1 whether the project has any; only if it does is D1 read on a miss.
   */
  private async legacyDecision(projectId: string, requestId: string): Promise<Claim | null> {
    const [known] = this.sql.exec<{ has_rows: number }>("SELECT has_rows FROM legacy WHERE project_id = ?", projectId).toArray();
    let hasRows = known?.has_rows;
    if (hasRows === undefined) {
      const any = await this.env.DB.prepare("SELECT 1 AS one FROM decisions WHERE project_id = ?1 AND request_id IS NOT NULL AND instr(id, '.') = 0 LIMIT 1")
        .bind(projectId)
        .first();
      hasRows = any ? 1 : 0;
      this.sql.exec("INSERT OR REPLACE INTO legacy (project_id, has_rows) VALUES (?, ?)", projectId, hasRows);
    }
    if (hasRows === 0) return null;
    const row = await this.env.DB.prepare("SELECT id, decision_type, unit_id, created_at FROM decisions WHERE project_id = ?1 AND request_id = ?2 AND instr(id, '.') = 0 LIMIT 1")
      .bind(projectId, requestId)
      .first<{ id: string; decision_type: string; unit_id: string; created_at: number }>();
    return row ? { decisionId: row.id, decisionType: row.decision_type, unitId: row.unit_id, claimedAt: row.created_at } : null;
  }
}
