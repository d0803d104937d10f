/**
 * Serialises a TeamSpec as YAML in the original writer's style: keys in schema order, strings double-quoted,
 * multi-line strings as `|` blocks, `[]`/`{}` for empty collections. Returns text only; writing it is the
 * caller's job.
 */
import { Document, isScalar, visit } from "yaml";
import { z } from "zod";
import { type TeamSpec, teamSpecSchema } from "./schema.js";

export function writeTeamSpecText(spec: TeamSpec): string {
  const doc = new Document(orderLikeSchema(spec, teamSpecSchema));
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key)) pair.key.type = "PLAIN";
    },
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      node.type = node.value.includes("\n") ? "BLOCK_LITERAL" : "QUOTE_DOUBLE";
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

/** Copies `value` with object keys in the order the schema declares them; unknown keys keep their order. */
function orderLikeSchema(value: unknown, schema: z.ZodType | undefined): unknown {
  const inner = unwrap(schema);
  if (Array.isArray(value)) {
    const element = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : undefined;
    return value.map((item) => orderLikeSchema(item, element));
  }
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const shape: Record<string, z.ZodType> =
    inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : {};
  const keys = [
    ...Object.keys(shape).filter((key) => key in record),
    ...Object.keys(record).filter((key) => !(key in shape)),
  ];
  const ordered: Record<string, unknown> = {};
  for (const key of keys) {
    if (record[key] !== undefined) ordered[key] = orderLikeSchema(record[key], shape[key]);
  }
  return ordered;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
  return current;
}
