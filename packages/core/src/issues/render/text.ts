/**
 * Safe HTML fragments (markdown.ts output) → plain text for the text part: paragraphs separated
 * by a blank line, list items as "- ", links as "text (url)" with the bare (tagged) URL, or
 * without URLs for a one-line summary.
 *
 * Not feed/html.ts `htmlToText`, on purpose: that one pulls the words out of untrusted feed HTML
 * under a parse budget; this one lays out our own sanitised HTML as a mail's text part (list
 * markers, quote prefixes, a link's URL after its text), which a feed summary must not get.
 */
import type { ChildNode, Element } from "domhandler";
import { parseDocument } from "htmlparser2";

const BLOCKS = new Set(["p", "ul", "ol", "blockquote", "pre", "hr", "div"]);

export function htmlToMailText(html: string, opts: { urls?: boolean } = {}): string {
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
  // A list item ends its line without a blank line after it.
  const flushLine = () => {
    const t = line.replace(/[ \t]+/g, " ").trim();
    if (t) blocks.push(t);
    line = "";
  };

  // The tree is walked with an explicit stack, not recursion: markdown emphasis nests without
  // markdown-it's nesting limit (`*****…x…*****` within the 20,000-character intro is ~5,000
  // elements deep), which overflowed the call stack. A task is a node to enter, or the work to
  // do once an element's content is done.
  type Ctx = { pre: boolean; quote: boolean; li: boolean };
  const stack: ({ node: ChildNode; ctx: Ctx; index: number } | (() => void))[] = [];
  /** Pushes `nodes` to pop in document order; `index` is a tag's 1-based place among its sibling tags. */
  const enter = (nodes: ChildNode[], ctx: Ctx) => {
    let index = nodes.filter((c) => c.type === "tag").length;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      stack.push({ node, ctx, index });
      if (node.type === "tag") index--;
    }
  };
  enter(doc.children, { pre: false, quote: false, li: false });
  while (stack.length > 0) {
    const task = stack.pop()!;
    if (typeof task === "function") {
      task();
      continue;
    }
    const { node: n, ctx, index } = task;
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
      stack.push(() => {
        const label = line.slice(before).trim();
        const href = el.attribs.href ?? "";
        // A bare URL in the text (linkified) is replaced by its tagged form, not repeated.
        if (/^https?:\/\//i.test(label)) line = line.slice(0, before) + (urls ? href : label);
        else if (href && urls) line += ` (${href})`;
      });
      enter(el.children, ctx);
    } else if (name === "li") {
      flushLine();
      const ordered = (el.parent as Element | null)?.name === "ol";
      line += ordered ? `${index}. ` : "- ";
      stack.push(flushLine);
      enter(el.children, { ...ctx, li: true });
    } else if (name === "hr") {
      flush();
      blocks.push("----");
    } else if (name === "p" && ctx.li) {
      // a loose list's paragraphs stay on the item's line
      stack.push(() => {
        line += " ";
      });
      enter(el.children, ctx);
    } else if (BLOCKS.has(name)) {
      flush();
      const start = blocks.length;
      stack.push(() => {
        flush();
        if (name === "blockquote") {
          for (let i = start; i < blocks.length; i++) blocks[i] = blocks[i]!.replace(/^/gm, "> ");
        }
        if (name === "ul" || name === "ol") {
          // list items are single lines: one block for the whole list
          const items = blocks.splice(start);
          if (items.length) blocks.push(items.join("\n"));
        }
      });
      enter(el.children, {
        pre: ctx.pre || name === "pre",
        quote: ctx.quote || name === "blockquote",
        li: false,
      });
    } else enter(el.children, ctx);
  }
  flush();
  return blocks.join("\n\n");
}
