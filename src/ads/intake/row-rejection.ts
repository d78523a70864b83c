// A row an ads upload refused, by its index in the request, with a code a client can branch on.
import type { z } from "zod";

export type RowRejection = { index: number; code: string; message: string };

/** A zod failure as a rejection: the first issue names the field, never echoes the value. */
export function invalidRow(index: number, code: string, error: z.ZodError): RowRejection {
  const issue = error.issues[0]!;
  const path = issue.path.join(".");
  return { index, code, message: path ? `${path}: ${issue.message}` : issue.message };
}
