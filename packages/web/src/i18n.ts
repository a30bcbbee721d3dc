/**
 * The editor page speaks English and Japanese. The browser's language picks; the switch in the
 * header overrides and is remembered (localStorage). Each view keeps its own dictionary next to
 * its code: `const t = useT(DICT)` with `DICT = { en: {...}, ja: {...} }` (same keys in both;
 * TypeScript checks it). `{name}` in a text is replaced from `vars`.
 */
export type Lang = "en" | "ja";
export const LANGS: Lang[] = ["en", "ja"];

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem("wkn.lang");
    if (saved === "en" || saved === "ja") return saved;
  } catch {
    // storage unavailable: fall through to the browser's language
  }
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const p of prefs) {
    const l = p.toLowerCase().slice(0, 2);
    if (l === "ja" || l === "en") return l;
  }
  return "en";
}

/** The current language; `lang.value` is read while rendering. */
export const lang: { value: Lang } = { value: typeof navigator === "undefined" ? "en" : initialLang() };
const listeners = new Set<(l: Lang) => void>();
export function onLangChange(f: (l: Lang) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

export function setLang(l: Lang) {
  lang.value = l;
  for (const f of listeners) f(l);
  document.documentElement.lang = l;
  try {
    localStorage.setItem("wkn.lang", l);
  } catch {
    // not remembered; still switched
  }
}

export type Dict<K extends string> = { en: Record<K, string>; ja: Record<K, string> };

export function translate<K extends string>(dict: Dict<K>, key: K, vars?: Record<string, string | number>) {
  const text = dict[lang.value][key] ?? dict.en[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
}

/** In a component: `const t = useT(DICT); t("key", {n: 3})`. Re-renders on a language switch
 * because the shell re-renders the whole tree when `lang` changes. */
export function useT<K extends string>(dict: Dict<K>) {
  return (key: K, vars?: Record<string, string | number>) => translate(dict, key, vars);
}

/** Dates shown in the editor's language and time zone. */
export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang.value === "ja" ? "ja-JP" : "en-GB", {
    dateStyle: "medium",
    ...(withTime ? { timeStyle: "short" } : {}),
  }).format(d);
}
