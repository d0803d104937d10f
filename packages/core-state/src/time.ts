/**
 * Timestamps are ISO-8601 UTC with milliseconds and `Z` (fixed width, so text order is time order; D1).
 * Input in the original's forms (`+00:00`, microseconds, no fraction) is accepted and normalised.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function isoNow(clock: Clock = systemClock): string {
  return clock().toISOString();
}

const ISO_INPUT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO-8601 timestamp with an explicit zone into the canonical `YYYY-MM-DDTHH:MM:SS.mmmZ` form. */
export function normalizeIso(value: string): string {
  const match = ISO_INPUT.exec(value.trim());
  if (!match) throw new RangeError(`not an ISO-8601 timestamp with a time zone: ${JSON.stringify(value)}`);
  const [, date, time, fraction = "", zone] = match;
  const millis = (fraction + "000").slice(0, 3);
  const parsed = new Date(`${date}T${time}.${millis}${zone === "Z" ? "Z" : zone}`);
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`invalid timestamp: ${JSON.stringify(value)}`);
  return parsed.toISOString();
}

export function isoMinus(iso: string, milliseconds: number): string {
  return new Date(new Date(iso).getTime() - milliseconds).toISOString();
}

export function isoPlus(iso: string, milliseconds: number): string {
  return new Date(new Date(iso).getTime() + milliseconds).toISOString();
}

/** Compact UTC stamp for file names: `20260527T073733Z`. */
export function fileStamp(clock: Clock = systemClock): string {
  return clock()
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}
