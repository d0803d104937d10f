// The kit run the way a plugin author runs it: imported through the package's `./conformance` subpath, against a
// small valid plugin, with transcript samples the kit replays.
import { describeProviderConformance } from "@team-agent/provider-registry/conformance";
import { DEMO_SAMPLES, demoPlugin } from "../helpers/demo-plugin.js";

describeProviderConformance(demoPlugin(), {
  samples: [
    { name: "closed turn with a metadata tail", text: DEMO_SAMPLES.idle, expectedState: "idle" },
    { name: "aborted turn", text: DEMO_SAMPLES.interrupted, expectedState: "idle_interrupted" },
    { name: "open turn, no process evidence", text: DEMO_SAMPLES.open, expectedState: "unknown" },
    { name: "open turn, process alive", text: DEMO_SAMPLES.open, expectedState: "working", process: { alive: true } },
    {
      name: "open turn, process gone",
      text: DEMO_SAMPLES.open,
      expectedState: "abnormal",
      process: { running: false },
    },
  ],
});
