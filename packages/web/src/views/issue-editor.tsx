import type { ViewProps } from "./props.js";

// Placeholder until the view lands.
export function IssueEditorView(_props: ViewProps) {
  return <h1>IssueEditorView</h1>;
}
