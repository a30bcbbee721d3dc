/**
 * Pure list moves for the issue editor: sections and the items inside them. Every function
 * returns new arrays (the editor's state is never mutated) and leaves the input unchanged when the
 * move names a place that does not exist.
 */

/** `list` with the element at `from` moved to index `to` (clamped to the list). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  if (target === from) return out;
  const [x] = out.splice(from, 1);
  out.splice(target, 0, x as T);
  return out;
}

export interface SectionLike {
  itemIds: string[];
}

/** Where an item is: section index and place in it, or undefined. */
export function findItem(
  sections: readonly SectionLike[],
  id: string,
): { section: number; index: number } | undefined {
  for (const [section, s] of sections.entries()) {
    const index = s.itemIds.indexOf(id);
    if (index >= 0) return { section, index };
  }
  return undefined;
}

/**
 * Moves item `id` to section `toSection` at `toIndex` (appended when omitted or past the end).
 * Within one section `toIndex` is the place it ends up at.
 */
export function moveItem<S extends SectionLike>(
  sections: readonly S[],
  id: string,
  toSection: number,
  toIndex?: number,
): S[] {
  const at = findItem(sections, id);
  if (!at || toSection < 0 || toSection >= sections.length) return [...sections];
  const out = sections.map((s) => ({ ...s, itemIds: [...s.itemIds] }));
  out[at.section]!.itemIds.splice(at.index, 1);
  const dest = out[toSection]!.itemIds;
  const index = toIndex === undefined ? dest.length : Math.max(0, Math.min(dest.length, toIndex));
  dest.splice(index, 0, id);
  return out;
}

/** Moves item `id` one place up (-1) or down (+1) inside its section. */
export function shiftItem<S extends SectionLike>(sections: readonly S[], id: string, by: -1 | 1): S[] {
  const at = findItem(sections, id);
  if (!at) return [...sections];
  return sections.map((s, i) =>
    i === at.section ? { ...s, itemIds: move(s.itemIds, at.index, at.index + by) } : s,
  );
}

export function removeItem<S extends SectionLike>(sections: readonly S[], id: string): S[] {
  return sections.map((s) =>
    s.itemIds.includes(id) ? { ...s, itemIds: s.itemIds.filter((x) => x !== id) } : s,
  );
}

/** Adds `id` to section `to` at `index` (the end when omitted), unless the issue already holds it. */
export function addItem<S extends SectionLike>(
  sections: readonly S[],
  id: string,
  to: number,
  index?: number,
): S[] {
  if (findItem(sections, id) || to < 0 || to >= sections.length) return [...sections];
  return sections.map((s, i) => {
    if (i !== to) return s;
    const itemIds = [...s.itemIds];
    itemIds.splice(
      index === undefined ? itemIds.length : Math.max(0, Math.min(itemIds.length, index)),
      0,
      id,
    );
    return { ...s, itemIds };
  });
}

/**
 * The index a dragged element lands at when dropped on the element at `over`, in its top half
 * (`before`) or bottom half: the same list (`from` set) or another one (`from` undefined).
 */
export function dropIndex(over: number, before: boolean, from?: number): number {
  const raw = before ? over : over + 1;
  return from !== undefined && from < raw ? raw - 1 : raw;
}
