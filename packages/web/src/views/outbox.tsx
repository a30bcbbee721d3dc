import type { ViewProps } from "./props.js";

// Placeholder until the view lands.
export function OutboxView(_props: ViewProps) {
  return <h1>OutboxView</h1>;
}
