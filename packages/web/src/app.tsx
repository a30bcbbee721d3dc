/**
 * The shell: asks the API who is signed in, shows the sign-in or the editor with its
 * navigation, the language switch and sign-out, and the view the hash names.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, del, get, whenSignedOut } from "./api.js";
import { type Dict, LANGS, lang, onLangChange, setLang, useT } from "./i18n.js";
import { useRoute } from "./router.js";
import type { Session } from "./session.js";
import { CandidatesView } from "./views/candidates.js";
import { IssueEditorView } from "./views/issue-editor.js";
import { IssuesView } from "./views/issues.js";
import { OutboxView } from "./views/outbox.js";
import { SignInView } from "./views/sign-in.js";
import { SourcesView } from "./views/sources.js";
import { SubscribersView } from "./views/subscribers.js";

const DICT: Dict<
  | "candidates"
  | "issues"
  | "sources"
  | "subscribers"
  | "outbox"
  | "signOut"
  | "language"
  | "loading"
  | "nav"
  | "archive"
  | "skip"
> = {
  en: {
    candidates: "Candidates",
    issues: "Issues",
    sources: "Sources",
    subscribers: "Subscribers",
    outbox: "Outbox",
    signOut: "Sign out",
    language: "Language",
    loading: "Loading…",
    nav: "Editor",
    archive: "Archive",
    skip: "Skip to the content",
  },
  ja: {
    candidates: "候補",
    issues: "号",
    sources: "ソース",
    subscribers: "購読者",
    outbox: "送信箱",
    signOut: "サインアウト",
    language: "言語",
    loading: "読み込み中…",
    nav: "編集",
    archive: "アーカイブ",
    skip: "本文へ移動",
  },
};

type State =
  | { kind: "loading" }
  | { kind: "signedOut" }
  | { kind: "signedIn"; session: Session }
  | { kind: "error"; message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: "loading" });
  const [, setLangTick] = useState(lang.value);
  const route = useRoute();
  const t = useT(DICT);

  const load = async () => {
    try {
      // 200 {signedIn: false} when the browser holds no valid session (no 401 in the console).
      const session = await get<Session | { signedIn: false }>("/api/session");
      if (!session.signedIn) {
        setState({ kind: "signedOut" });
        return;
      }
      setState({ kind: "signedIn", session });
      document.title = `${session.newsletter.name} · Editor`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setState({ kind: "signedOut" });
      else setState({ kind: "error", message: (e as Error).message });
    }
  };

  useEffect(() => {
    whenSignedOut(() => setState({ kind: "signedOut" }));
    const off = onLangChange(setLangTick);
    void load();
    return off;
  }, []);

  if (state.kind === "loading") return <p class="loading">{t("loading")}</p>;
  if (state.kind === "error")
    return (
      <p role="alert" class="error">
        {state.message}
      </p>
    );
  if (state.kind === "signedOut") return <SignInView onSignedIn={load} />;

  const { session } = state;
  const links: [string, string][] = [
    ["#/", t("candidates")],
    ["#/issues", t("issues")],
    ["#/sources", t("sources")],
    ["#/subscribers", t("subscribers")],
    ...(session.outbox ? ([["#/outbox", t("outbox")]] as [string, string][]) : []),
  ];
  const current = route.view === "issue" ? "issues" : route.view;
  const signOut = async () => {
    await del("/api/session").catch(() => undefined);
    setState({ kind: "signedOut" });
  };

  return (
    <>
      <button
        type="button"
        class="skip-link secondary"
        onClick={() => document.getElementById("main")?.focus()}
      >
        {t("skip")}
      </button>
      <header class="topbar">
        <strong class="brand">{session.newsletter.name}</strong>
        <nav aria-label={t("nav")}>
          {links.map(([href, label]) => {
            const view = href === "#/" ? "candidates" : href.slice(2);
            return (
              <a href={href} aria-current={view === current ? "page" : undefined}>
                {label}
              </a>
            );
          })}
          <a href="/issues" target="_blank" rel="noopener">
            {t("archive")}
          </a>
        </nav>
        <label class="lang">
          <span class="sr-only">{t("language")}</span>
          <select
            value={lang.value}
            onChange={(e) => setLang((e.target as HTMLSelectElement).value as "en" | "ja")}
          >
            {LANGS.map((l) => (
              <option value={l}>{l === "en" ? "English" : "日本語"}</option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={signOut}>
          {t("signOut")}
        </button>
      </header>
      <main id="main" tabindex={-1}>
        {route.view === "candidates" && <CandidatesView route={route} session={session} />}
        {route.view === "issues" && <IssuesView route={route} session={session} />}
        {route.view === "issue" && <IssueEditorView route={route} session={session} />}
        {route.view === "sources" && <SourcesView route={route} session={session} />}
        {route.view === "subscribers" && <SubscribersView route={route} session={session} />}
        {route.view === "outbox" && <OutboxView route={route} session={session} />}
      </main>
    </>
  );
}
