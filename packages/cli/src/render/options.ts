/** Typed reads of parsed options; a value out of range is a usage error (exit 2) that says what is allowed. */
import { usageError } from "@team-agent/core-state";
import type { ParsedArgs } from "../cli/command.js";

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** `--name N` as a whole number in [min, max]; `fallback` when the option is absent. */
export function wholeNumberOption<T extends number | undefined>(
  args: ParsedArgs,
  name: string,
  range: { min: number; max: number },
  fallback: T,
): number | T {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < range.min || value > range.max) {
    throw usageError(
      `--${name} must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(raw)}`,
      `Pass --${name} ${range.min}…${range.max}.`,
    );
  }
  return value;
}
