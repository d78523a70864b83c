// What a job is: a name, a zod schema for its parameters, and a run that reports what it did (and where to continue).
import { z } from "zod";
import type { Env } from "../env";

export type JobContext = {
  env: Env;
  /** The time the job acts as of: windows close and retention counts from here (backfills and tests move it). */
  asOf: number;
  runId: string;
  /** Wall-clock time by which the job should stop and hand the rest to the jobs queue. */
  deadline: number;
};

export type JobResult = {
  status: "ok" | "skipped";
  rowsRead: number;
  rowsWritten: number;
  message?: string;
  /** When set, the input was not finished: the runner enqueues these parameters as the next page. */
  continueWith?: Record<string, unknown>;
  details?: unknown;
};

export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  name: string;
  description: string;
  params: S;
  run(ctx: JobContext, params: z.infer<S>): Promise<JobResult>;
};

export const defineJob = <S extends z.ZodType>(job: JobDefinition<S>) => job;

/**
 * The latest `as_of` a job takes. Jobs do calendar arithmetic on YYYY-MM-DD dates around it (a day ahead, up to a
 * retention window back), which holds only in four-digit years: later instants failed deep inside a job (a 500).
 */
export const MAX_AS_OF = Date.UTC(9999, 0, 1);

/** Every job's optional `as_of`: an ISO-8601 time or epoch ms, as epoch ms, from 1970 until MAX_AS_OF. */
export const asOfParam = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()])
  .optional()
  .transform((v) => (typeof v === "string" ? Date.parse(v) : v))
  .refine((v) => v === undefined || (v >= 0 && v < MAX_AS_OF), "as_of must be between 1970-01-01 and 9998-12-31");

/** Jobs act on every project unless one is named (an admin's runs are pinned to its own). */
export const projectParam = z.string().min(1).max(64).optional();
