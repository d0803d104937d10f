import type { EventSink } from "@team-agent/core-state";

/** Records events without timestamps, so two runs of the same inputs can be compared exactly. */
export class RecordingSink implements EventSink {
  readonly events: Array<{ event: string; fields: Record<string, unknown> }> = [];
  emit(event: string, fields: Record<string, unknown> = {}): void {
    this.events.push({ event, fields: structuredClone(fields) });
  }
  named(event: string): Array<Record<string, unknown>> {
    return this.events.filter((entry) => entry.event === event).map((entry) => entry.fields);
  }
}

/** `base` plus `seconds`, as an ISO string. */
export function at(seconds: number, base = "2026-05-01T10:00:00.000Z"): string {
  return new Date(Date.parse(base) + seconds * 1000).toISOString();
}
