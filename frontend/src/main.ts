// Site-wide styles: Vite emits them as CSS listed under this entry in the
// manifest, so `{% vite_asset "src/main.ts" %}` adds the <link> tag too.
import "./styles/app.css";
import { mountCodeLogin } from "./pages/code-login";
import { mountLesson } from "./pages/lesson";
import { mountLiveCheck } from "./pages/live-check";
import { mountLiveConsole } from "./pages/live-console";
import { mountLiveProjector } from "./pages/live-projector";
import { mountLiveStudent } from "./pages/live-student";
import { mountLti } from "./pages/lti";
import { mountPrintButtons } from "./pages/print";
import { mountToolFrames } from "./ui/tool-frames";

/** Mounts each page module whose root element is on this page. */
function boot(): void {
  const liveCheck = document.querySelector<HTMLElement>("[data-live-check]");
  if (liveCheck) mountLiveCheck(liveCheck);

  const liveConsole = document.querySelector<HTMLElement>("[data-live-console]");
  if (liveConsole) mountLiveConsole(liveConsole);

  const liveProjector = document.querySelector<HTMLElement>("[data-live-projector]");
  if (liveProjector) mountLiveProjector(liveProjector);

  const liveStudent = document.querySelector<HTMLElement>("[data-live-student]");
  if (liveStudent) mountLiveStudent(liveStudent);

  const codeLogin = document.querySelector<HTMLFormElement>("form[data-code-login]");
  if (codeLogin) mountCodeLogin(codeLogin);

  const lesson = document.querySelector<HTMLElement>("article[data-lesson]");
  if (lesson) mountLesson(lesson);

  mountPrintButtons(document);
  mountLti(document, window);
  mountToolFrames(document, window);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", boot, { once: true });
} else {
  boot();
}
