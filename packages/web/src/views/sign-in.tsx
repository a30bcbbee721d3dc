/** The sign-in: the editor token (printed by `npm start`) becomes a session cookie. */
import { useState } from "preact/hooks";
import { ApiError, post } from "../api.js";
import { type Dict, useT } from "../i18n.js";

const DICT: Dict<"title" | "token" | "hint" | "submit" | "wrong"> = {
  en: {
    title: "Sign in",
    token: "Editor token",
    hint: "npm start prints it; on AWS it is the EDITOR_TOKEN secret.",
    submit: "Sign in",
    wrong: "That token is not right.",
  },
  ja: {
    title: "サインイン",
    token: "編集者トークン",
    hint: "npm start が表示します。AWS では EDITOR_TOKEN シークレットです。",
    submit: "サインイン",
    wrong: "トークンが違います。",
  },
};

export function SignInView({ onSignedIn }: { onSignedIn: () => void }) {
  const t = useT(DICT);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const token = new FormData(e.target as HTMLFormElement).get("token");
    setBusy(true);
    setError("");
    try {
      await post("/api/session", { token });
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t("wrong") : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>{t("title")}</h1>
      <form onSubmit={submit}>
        <label for="token">{t("token")}</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          autofocus
          aria-describedby="token-hint token-error"
        />
        <p id="token-hint" class="hint">
          {t("hint")}
        </p>
        <button type="submit" disabled={busy}>
          {t("submit")}
        </button>
        <p id="token-error" role="alert" class="error">
          {error}
        </p>
      </form>
    </main>
  );
}
