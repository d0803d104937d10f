/** This package's own version, read once from its package.json (one level above both src/ and dist/). */
import { readFileSync } from "node:fs";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

export const PLUGIN_VERSION: string = manifest.version;
