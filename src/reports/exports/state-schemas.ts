// zod schemas for a build's continuation (cursor, encoder and upload state): it arrives as job parameters.
import { z } from "zod";

const zipEntry = z.object({
  name: z.string(),
  method: z.union([z.literal(0), z.literal(8)]),
  crc: z.number().int().nonnegative(),
  compressedSize: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  descriptor: z.boolean(),
});

const zipState = z.object({
  offset: z.number().int().nonnegative(),
  entries: z.array(zipEntry).max(1000),
  open: zipEntry.nullable(),
  modified: z.number(),
});

export const encoderStateSchema = z.discriminatedUnion("format", [
  z.object({ format: z.literal("csv") }),
  z.object({ format: z.literal("xlsx"), xlsx: z.object({ zip: zipState, sheet: z.number().int().positive(), rowInSheet: z.number().int().nonnegative() }) }),
]);

export const uploadStateSchema = z.object({
  uploadId: z.string().nullable(),
  etags: z.array(z.string()).max(10_000),
  bytes: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  carried: z.boolean(),
});

export const resumeSchema = z.object({
  cursor: z.array(z.union([z.string(), z.number()])).min(1).max(3),
  rows: z.number().int().nonnegative(),
  encoder: encoderStateSchema,
  upload: uploadStateSchema,
});

export type Resume = z.infer<typeof resumeSchema>;
