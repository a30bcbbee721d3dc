/**
 * Safe HTML fragments (markdown.ts output) → plain text for the text part: paragraphs separated
 * by a blank line, list items as "- ", links as "text (url)" with the bare (tagged) URL, or
 * without URLs for a one-line summary.
 */
import type { ChildNode, Element } from "domhandler";
import { parseDocument } from "htmlparser2";

const BLOCKS = new Set(["p", "ul", "ol", "blockquote", "pre", "hr", "div"]);

export function htmlToText(html: string, opts: { urls?: boolean } = {}): string {
  const urls = opts.urls ?? true;
  if (!html) return "";
  const doc = parseDocument(html);
  const blocks: string[] = [];
  let line = "";
  const flush = () => {
    const t = line
      .split("\n")
      .map((l) => l.replace(/[ \t]+/g, " ").trim())
      .join("\n")
      .trim();
    if (t) blocks.push(t);
    line = "";
  };

  const walk = (nodes: ChildNode[], ctx: { pre: boolean; quote: boolean; li: boolean }) => {
    for (const n of nodes) {
      if (n.type === "text") {
        line += ctx.pre ? n.data : n.data.replace(/\s+/g, " ");
        continue;
      }
      if (n.type !== "tag") continue;
      const el = n as Element;
      const name = el.name;
      if (name === "br") line += "\n";
      else if (name === "a") {
        const before = line.length;
        walk(el.children, ctx);
        const label = line.slice(before).trim();
        const href = el.attribs.href ?? "";
        // A bare URL in the text (linkified) is replaced by its tagged form, not repeated.
        if (/^https?:\/\//i.test(label)) line = line.slice(0, before) + (urls ? href : label);
        else if (href && urls) line += ` (${href})`;
      } else if (name === "li") {
        flushLine();
        const ordered = (el.parent as Element | null)?.name === "ol";
        const index = (el.parent as Element).children.filter((c) => c.type === "tag").indexOf(el) + 1;
        line += ordered ? `${index}. ` : "- ";
        walk(el.children, { ...ctx, li: true });
        flushLine();
      } else if (name === "hr") {
        flush();
        blocks.push("----");
      } else if (name === "p" && ctx.li) {
        // a loose list's paragraphs stay on the item's line
        walk(el.children, ctx);
        line += " ";
      } else if (BLOCKS.has(name)) {
        flush();
        const start = blocks.length;
        walk(el.children, {
          pre: ctx.pre || name === "pre",
          quote: ctx.quote || name === "blockquote",
          li: false,
        });
        flush();
        if (name === "blockquote") {
          for (let i = start; i < blocks.length; i++) blocks[i] = blocks[i]!.replace(/^/gm, "> ");
        }
        if (name === "ul" || name === "ol") {
          // list items are single lines: one block for the whole list
          const items = blocks.splice(start);
          if (items.length) blocks.push(items.join("\n"));
        }
      } else walk(el.children, ctx);
    }
  };
  // A list item ends its line without a blank line after it.
  const flushLine = () => {
    const t = line.replace(/[ \t]+/g, " ").trim();
    if (t) blocks.push(t);
    line = "";
  };
  walk(doc.children, { pre: false, quote: false, li: false });
  flush();
  return blocks.join("\n\n");
}
