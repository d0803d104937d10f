/** The registry's conformance kit against the default export, with our recorded rollouts as transcript samples. */
import { describeProviderConformance } from "@team-agent/provider-registry/conformance";
import plugin from "../../src/index.js";
import { rolloutText } from "../helpers/fixtures.js";

describeProviderConformance(plugin, {
  samples: [
    { name: "codex-0.169.0-turn-complete", text: rolloutText("turn-complete"), expectedState: "idle" },
    { name: "codex-0.169.0-interrupted", text: rolloutText("interrupted"), expectedState: "idle_interrupted" },
    { name: "codex-0.169.0-api-error-500", text: rolloutText("api-error-500"), expectedState: "idle" },
    { name: "codex-0.169.0-compacted", text: rolloutText("compacted"), expectedState: "idle" },
    { name: "codex-0.169.0-approval-pending", text: rolloutText("approval-pending"), expectedState: "unknown" },
    {
      name: "codex-0.169.0-approval-pending (live process)",
      text: rolloutText("approval-pending"),
      expectedState: "working",
      process: { alive: true },
    },
    {
      name: "codex-0.169.0-approval-pending (dead process)",
      text: rolloutText("approval-pending"),
      expectedState: "abnormal",
      process: { alive: false },
    },
  ],
});
