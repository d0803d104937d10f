// `npm run bench` for @team-agent/cli: the command's cold starts (bench/cli.ts), then the MCP server
// (bench/mcp.ts writes its own table when imported). Each writes JSON under bench/results/.
import { writeBenchReport } from "../../../scripts/bench-report.mjs";
import { benchCli } from "./cli.js";

writeBenchReport("cli", await benchCli());
await import("./mcp.js");
