import { readFileSync } from "node:fs";

const SYNTHETIC = new URL("../fixtures/synthetic-screens/", import.meta.url);

/** Text of one of our synthetic screens (test/fixtures/synthetic-screens). */
export function synthetic(name: string): string {
  return readFileSync(new URL(name, SYNTHETIC), "utf8");
}
