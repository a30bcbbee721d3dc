import type { ViewProps } from "./props.js";

// Placeholder until the view lands.
export function SourcesView(_props: ViewProps) {
  return <h1>SourcesView</h1>;
}
