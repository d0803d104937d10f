/** Narrowing helpers for walking raw (unvalidated) parsed YAML without crashing on wrong types. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return undefined;
  const child = value[key];
  return isPlainObject(child) ? child : undefined;
}

export function listAt(value: unknown, key: string): unknown[] {
  if (!isPlainObject(value)) return [];
  const child = value[key];
  return Array.isArray(child) ? child : [];
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const child = value[key];
  return typeof child === "string" ? child : undefined;
}

/** The original's truthiness test for `when`/`match`: empty strings, maps and lists count as absent. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
