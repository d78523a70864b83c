// rollup_daily_metrics: writes each project's closed days into `metrics` (UPSERT on date + name + dimensions).
import { z } from "zod";
import { multiRowInserts } from "../db/multi-row-insert";
import { config } from "../env";
import { asOfParam, defineJob, projectParam } from "../jobs/job";
import { addDays, today } from "./day-range";
import { reportDateSchema } from "./report-dates";
import { canonicalDimensions, computeDailyMetrics } from "./daily-metrics";

export const rollupDailyMetrics = defineJob({
  name: "rollup_daily_metrics",
  description: "Writes dau, wau, mau, new_users and events by name for closed days (default: yesterday, in each project's time zone)",
  params: z.strictObject({
    project: projectParam,
    /** The last day to roll up; it must be closed (before today in the project's zone). Default: yesterday. */
    date: reportDateSchema.optional(),
    /** How many days ending at `date` to (re)compute: late events and backfills. */
    days: z.number().int().min(1).max(400).default(2),
    as_of: asOfParam,
  }),
  async run(ctx, params) {
    const d1 = ctx.env.DB;
    const projects = await d1
      .prepare("SELECT id, time_zone FROM projects WHERE ?1 IS NULL OR id = ?1 ORDER BY id")
      .bind(params.project ?? null)
      .all<{ id: string; time_zone: string }>();
    let rowsWritten = 0;
    let daysDone = 0;
    let daysKept = 0;
    // Raw events older than the retention window are gone: recomputing those days would overwrite good rollups
    // with smaller numbers, so they are kept as they are.
    const retentionDays = config(ctx.env).EVENT_RETENTION_DAYS;
    for (const p of projects.results) {
      const yesterday = addDays(today(ctx.asOf, p.time_zone), -1);
      const last = params.date && params.date < yesterday ? params.date : yesterday;
      for (let i = params.days - 1; i >= 0; i--) {
        const date = addDays(last, -i);
        if (date < addDays(today(ctx.asOf, p.time_zone), -retentionDays)) {
          daysKept++;
          continue;
        }
        const values = await computeDailyMetrics(d1, p.id, date, p.time_zone);
        const rows = values.map((v) => [p.id, date, v.metric_name, canonicalDimensions(v.dimensions), v.value, p.time_zone, ctx.asOf]);
        // A name that had events before and none now must not keep its old count: the day is replaced whole.
        const statements = [
          d1.prepare("DELETE FROM metrics WHERE project_id = ?1 AND date = ?2").bind(p.id, date),
          ...multiRowInserts(d1, "metrics", ["project_id", "date", "metric_name", "dimensions", "value", "time_zone", "computed_at"], rows),
        ];
        await d1.batch(statements);
        rowsWritten += rows.length;
        daysDone++;
      }
    }
    return {
      status: "ok",
      rowsRead: daysDone,
      rowsWritten,
      message: `${daysDone} project-days rolled up${daysKept ? `; ${daysKept} older than EVENT_RETENTION_DAYS kept as they were` : ""}`,
    };
  },
});
