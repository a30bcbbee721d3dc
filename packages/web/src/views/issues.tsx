import type { ViewProps } from "./props.js";

// Placeholder until the view lands.
export function IssuesView(_props: ViewProps) {
  return <h1>IssuesView</h1>;
}
