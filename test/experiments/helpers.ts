// Helpers for experiment tests: create and drive experiments through the admin API, ask for assignments.
import { bearer, json, call } from "../helpers/api";

export type ExperimentView = {
  id: string;
  key: string;
  status: string;
  version: number;
  variants: Array<{ key: string; name: string; weight: number }>;
  traffic_allocation: number;
  ranges: Array<Array<[number, number]>>;
  [k: string]: unknown;
};
export type Assignment = { variant: string; in_experiment: boolean; experiment_id: string; decision_id?: string; propensity?: number };
type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export const conversion = (key = "purchased", event = "purchase", extra: Record<string, unknown> = {}) => ({ key, type: "conversion", event, ...extra });

export function experimentBody(key: string, extra: Record<string, unknown> = {}) {
  return { key, name: `Experiment ${key}`, variants: [{ key: "control" }, { key: "treatment" }], primary_metric: conversion(), ...extra };
}

export const adminPath = (project: string, key?: string, tail = "") => `/v1/admin/projects/${project}/experiments${key ? `/${key}` : ""}${tail}`;

export async function createExperiment(project: string, token: string, key: string, extra: Record<string, unknown> = {}) {
  const res = await json(adminPath(project), experimentBody(key, extra), bearer(token));
  if (res.status !== 201) throw new Error(`create experiment: ${res.status} ${await res.text()}`);
  return (await res.json()) as ExperimentView;
}

export async function transition(project: string, token: string, key: string, action: "start" | "stop" | "archive") {
  const res = await call(adminPath(project, key, `/${action}`), { method: "POST", headers: bearer(token) });
  return { status: res.status, body: (await res.json()) as ExperimentView & ErrorBody };
}

export async function patchExperiment(project: string, token: string, key: string, body: Record<string, unknown>) {
  const res = await json(adminPath(project, key), body, bearer(token), "PATCH");
  return { status: res.status, body: (await res.json()) as ExperimentView & ErrorBody };
}

export async function startedExperiment(project: string, token: string, key: string, extra: Record<string, unknown> = {}) {
  await createExperiment(project, token, key, extra);
  const started = await transition(project, token, key, "start");
  if (started.status !== 200) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  return started.body;
}

export async function assign(key: string, token: string, unitId: string, extra: Record<string, unknown> = {}) {
  const res = await json(`/v1/experiments/${key}/assignment`, { unit_id: unitId, ...extra }, bearer(token));
  return { status: res.status, body: (await res.json()) as Assignment & ErrorBody };
}
