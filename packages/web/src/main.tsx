import { render } from "preact";
import { App } from "./app.js";
import { lang } from "./i18n.js";
import "./styles.css";

document.documentElement.lang = lang.value;
render(<App />, document.getElementById("app")!);
