import type { ViewProps } from "./props.js";

// Placeholder until the view lands.
export function CandidatesView(_props: ViewProps) {
  return <h1>CandidatesView</h1>;
}
