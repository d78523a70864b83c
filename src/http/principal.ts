// Who is calling and what they may do: the authorisation rules in one place, pure.
import { ApiError } from "./errors";

export type Principal =
  /** ADMIN_TOKEN: the deployment's operator, every project. */
  | { kind: "operator" }
  /** A backend or a person, from a verified JWT. `admin` manages its project; `user` writes and reads as itself. */
  | { kind: "jwt"; sub: string; role: "admin" | "user"; projectId: string }
  /** A browser with a publishable key: write-only, one project, anonymous ids only. */
  | { kind: "publishable_key"; keyId: string; projectId: string; allowedOrigins: string[]; ingestLimitPerMinute: number | null };

export function isOperator(p: Principal): boolean {
  return p.kind === "operator";
}

/** The project a request acts on: the credential's own, or for the operator the one named in the request. */
export function projectOf(p: Principal, requested: string | undefined | null): string {
  if (p.kind === "operator") {
    if (!requested) throw new ApiError(400, "project_required", "The operator token acts on every project: name one with ?project=<id>");
    return requested;
  }
  if (requested && requested !== p.projectId) {
    throw new ApiError(403, "wrong_project", "These credentials belong to another project");
  }
  return p.projectId;
}

export function requireOperator(p: Principal): void {
  if (p.kind !== "operator") throw new ApiError(403, "forbidden", "Only the operator (ADMIN_TOKEN) may do this");
}

export function requireProjectAdmin(p: Principal, projectId: string): void {
  if (p.kind === "operator") return;
  if (p.kind === "jwt" && p.role === "admin" && p.projectId === projectId) return;
  if (p.kind === "jwt" && p.role === "admin") throw new ApiError(403, "wrong_project", "These credentials belong to another project");
  throw new ApiError(403, "forbidden", "This needs an admin of the project");
}

/** Admins may backfill history (PostHog's historical_migration); nobody else lifts the 30-day bound. */
export function mayImportHistory(p: Principal): boolean {
  return p.kind === "operator" || (p.kind === "jwt" && p.role === "admin");
}

/** Who a change is recorded as in an audit trail (decision type versions, experiment history). */
export function changedBy(p: Principal): string {
  return p.kind === "jwt" ? `jwt:${p.sub}` : p.kind;
}
