import type { ViewProps } from "./props.js";

// Placeholder until the view lands.
export function SubscribersView(_props: ViewProps) {
  return <h1>SubscribersView</h1>;
}
