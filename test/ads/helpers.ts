// Test helpers for ads: upload an account through the API and read what D1 holds.
import { env } from "cloudflare:workers";
import { bearer, json } from "../helpers/api";

export type Rejection = { index: number; code: string; message: string };
export type UploadBody = { config_id: number; accepted: number; written: number; rejected: Rejection[] };

export async function putEntities(token: string, configId: number, entities: unknown[], query = "") {
  const res = await json(`/v1/ads/entities${query}`, { config_id: configId, entities }, bearer(token), "PUT");
  return { status: res.status, body: (await res.json()) as UploadBody & { error?: { code: string; details?: { rejected?: Rejection[] } } } };
}

export async function putInsights(token: string, configId: number, insights: unknown[], query = "") {
  const res = await json(`/v1/ads/insights${query}`, { config_id: configId, insights }, bearer(token), "PUT");
  return { status: res.status, body: (await res.json()) as UploadBody & { error?: { code: string; details?: { rejected?: Rejection[] } } } };
}

export async function storedInsights(projectId: string, configId: number) {
  const { results } = await env.DB.prepare("SELECT * FROM ad_insights WHERE project_id = ?1 AND config_id = ?2 ORDER BY entity_id, date").bind(projectId, configId).all();
  return results;
}

export async function storedEntities(projectId: string, configId: number) {
  const { results } = await env.DB.prepare("SELECT * FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 ORDER BY entity_id").bind(projectId, configId).all();
  return results;
}
