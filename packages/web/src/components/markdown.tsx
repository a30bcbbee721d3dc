/**
 * Renders the comment markdown subset (../markdown.ts) as elements: text is always text (Preact
 * escapes it), links are http(s) only and open in a new tab.
 */
import type { ComponentChildren } from "preact";
import { type Inline, parseMarkdown } from "../markdown.js";

function node(n: Inline): ComponentChildren {
  switch (n.type) {
    case "code":
      return <code>{n.text}</code>;
    case "strong":
      return <strong>{n.children.map(node)}</strong>;
    case "em":
      return <em>{n.children.map(node)}</em>;
    case "link":
      return (
        <a href={n.href} target="_blank" rel="noopener noreferrer">
          {n.children.map(node)}
        </a>
      );
    default:
      return n.text;
  }
}

/** The markdown `text` as paragraphs; nothing for empty text. */
export function Markdown({ text, class: cls }: { text: string | null | undefined; class?: string }) {
  const paragraphs = parseMarkdown(text);
  if (!paragraphs.length) return null;
  return (
    <div class={cls ? `md ${cls}` : "md"}>
      {paragraphs.map((p) => (
        <p>
          {p.lines.map((line, i) => (
            <>
              {i > 0 && <br />}
              {line.map(node)}
            </>
          ))}
        </p>
      ))}
    </div>
  );
}
