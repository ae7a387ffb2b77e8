/**
 * The markup classrooms/templates/classrooms/live_console.html and live_student.html render
 * (the data-live-* hooks and test ids the scripts use), and a fake slide endpoint.
 */
import { vi } from "vitest";
import type { RosterEntry } from "../../src/live/protocol";

/** The element with `data-testid="<testid>"` (the end-to-end tests' hooks); throws without one. */
export function $<T extends HTMLElement = HTMLElement>(testid: string): T {
  const el = document.querySelector<T>(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`missing ${testid}`);
  return el;
}

/** A roster entry: connected, no hand, not answered, unless `extra` says otherwise. */
export const person = (id: number, nickname: string, extra: Partial<RosterEntry> = {}): RosterEntry => ({
  id,
  nickname,
  status: "connected",
  hand: null,
  answered: false,
  ...extra,
});

export const STUDENT_LABELS: Record<string, string> = {
  conn_connecting: "연결 중…",
  conn_open: "연결됨",
  conn_reconnecting: "다시 연결하는 중…",
  conn_offline: "오프라인",
  waiting_question: "선생님이 문제를 열 때까지 기다려요.",
  question_open: "문제가 열렸어요.",
  sending: "보내는 중…",
  saved: "저장됨",
  answer_required: "먼저 답을 고르거나 쓰세요.",
  time_left: "남은 시간",
  time_up: "시간이 끝났어요",
  results_title: "결과",
  correct: "정답!",
  incorrect: "아쉬워요.",
  recorded: "답을 저장했어요.",
  not_answered: "이 문제에 답하지 않았어요.",
  answer: "정답",
  true: "참",
  false: "거짓",
  results_count: "{total}명 중 {answered}명 답함",
  results_correct: "{count}명 정답",
  correct_names: "정답을 맞힌 학생",
  raise_hand: "손 들기",
  lower_hand: "손 내리기",
  hand_raised: "손을 들었어요.",
  hand_lowered: "손을 내렸어요.",
  slide_status: "{count}장 중 {index}번째 화면",
  slide_error: "화면을 불러오지 못했어요.",
  retry: "다시 시도",
  locked: "선생님을 봐 주세요",
  unlocked: "화면 잠금이 풀렸어요.",
  not_connected: "연결되지 않았어요.",
  closed_4401: "다시 로그인하세요.",
  closed_4404: "이 수업에 들어갈 수 없어요.",
};

export const CONSOLE_LABELS: Record<string, string> = {
  conn_connecting: "연결 중…",
  conn_open: "연결됨",
  conn_reconnecting: "다시 연결하는 중…",
  conn_offline: "오프라인",
  state_lobby: "시작 전",
  state_running: "진행 중",
  state_ended: "끝남",
  lock: "학생 화면 잠그기",
  unlock: "학생 화면 잠금 풀기",
  locked: "학생 화면을 잠갔어요.",
  unlocked: "학생 화면 잠금을 풀었어요.",
  question_number: "{n}번 문제",
  open_question: "문제 열기",
  is_open: "열림",
  timer: "시간 제한",
  timer_none: "없음",
  timer_30: "30초",
  timer_60: "1분",
  timer_120: "2분",
  no_question: "열린 문제가 없어요.",
  question_open: "{n}번 문제가 열려 있어요.",
  question_open_other: "다른 화면의 문제가 열려 있어요.",
  question_closed: "{n}번 문제를 닫았어요.",
  question_closed_other: "마지막 문제를 닫았어요.",
  time_left: "남은 시간",
  time_up: "시간 끝",
  results_shown: "학생들에게 결과를 보여 주고 있어요.",
  results_anonymous: "이름은 숨겼어요.",
  correct_names: "정답을 맞힌 학생",
  status_connected: "접속 중",
  status_reconnecting: "다시 연결 중",
  status_gone: "나감",
  answered: "답함",
  hand_up: "{name} 학생이 손을 들었어요.",
  roster_count: "{total}명 중 {connected}명 접속",
  no_participants: "아직 아무도 들어오지 않았어요.",
  no_hands: "손 든 학생이 없어요.",
  remove: "내보내기",
  remove_name: "{name} 내보내기",
  confirm_remove: "{name} 학생을 내보낼까요?",
  lower_hand: "손 내리기",
  lower_hand_name: "{name} 학생 손 내리기",
  confirm_end: "수업을 끝낼까요?",
  session_ended: "수업이 끝났어요.",
  not_connected: "연결되지 않았어요.",
  slide_error: "화면을 불러오지 못했어요.",
  retry: "다시 시도",
  closed_4401: "다시 로그인하세요.",
  closed_4404: "이 수업을 찾을 수 없어요.",
};

const labelsScript = (labels: Record<string, string>) =>
  `<script type="application/json" id="live-labels">${JSON.stringify(labels)}</script>`;

export function renderStudentPage(labels = STUDENT_LABELS): HTMLElement {
  document.body.innerHTML = `
    ${labelsScript(labels)}
    <div class="live live-student" data-live-student data-session-id="12" data-participant-id="3" data-ws-path="/ws/live/12/" data-slide-url="/live/12/slides/" data-state="lobby">
      <header class="live-head">
        <p class="live-slide-no" data-live-slide-no aria-hidden="true"></p>
        <p class="live-connection" data-live-connection data-testid="connection" data-state="reconnecting">연결 중…</p>
      </header>
      <div class="live-alert" role="alert" data-live-error data-testid="error"></div>
      <p class="visually-hidden" aria-live="polite" data-live-announce></p>
      <div class="live-body" data-live-body>
        <p data-live-lobby data-testid="lobby">선생님이 시작할 때까지 기다려요.</p>
        <p class="live-timer" role="timer" data-live-countdown data-testid="countdown" hidden></p>
        <section data-live-slide data-testid="slide" data-index="" hidden></section>
        <section data-live-results data-testid="results" aria-live="polite" hidden></section>
      </div>
      <div class="live-student-bar" data-live-hand-bar><button type="button" data-live-hand data-testid="hand" aria-pressed="false">손 들기</button></div>
      <div class="live-lock" data-live-lock data-testid="lock-overlay" hidden><p>선생님을 봐 주세요</p></div>
      <section data-live-ended data-testid="ended" tabindex="-1" hidden><h2>수업이 끝났어요.</h2></section>
      <section data-live-removed data-testid="removed" tabindex="-1" hidden><h2>선생님이 내보냈어요.</h2></section>
      <section data-live-gone data-testid="gone" tabindex="-1" hidden><h2 data-live-gone-text></h2></section>
    </div>`;
  return document.querySelector<HTMLElement>("[data-live-student]")!;
}

export function renderConsolePage(labels = CONSOLE_LABELS): HTMLElement {
  document.body.innerHTML = `
    ${labelsScript(labels)}
    <div class="live live-console" data-live-console data-session-id="12" data-ws-path="/ws/live/12/" data-slide-url="/live/12/slides/" data-state="lobby">
      <p class="live-connection" data-live-connection data-testid="connection" data-state="reconnecting">연결 중…</p>
      <div class="live-alert" role="alert" data-live-error data-testid="error"></div>
      <p class="visually-hidden" aria-live="polite" data-live-announce></p>
      <details class="panel live-join" data-live-join open>
        <summary>참여 방법</summary>
        <p class="live-code" data-live-code data-testid="code">7KQ2MX</p>
        <div class="live-qr"><svg></svg></div>
      </details>
      <section class="live-controls">
        <p>상태: <strong data-live-state-label>시작 전</strong></p>
        <button type="button" data-live-start data-testid="start">수업 시작</button>
        <button type="button" data-live-lock data-testid="lock" aria-pressed="false">학생 화면 잠그기</button>
        <button type="button" data-live-end data-testid="end">수업 끝내기</button>
        <a href="/live/12/report/" data-live-report data-testid="report-link" hidden>보고서 보기</a>
      </section>
      <section class="live-stage">
        <button type="button" data-live-prev data-testid="prev">이전</button>
        <span data-live-slide-no data-testid="slide-no"></span>
        <button type="button" data-live-next data-testid="next">다음</button>
        <form data-live-jump-form>
          <label for="live-jump">화면으로 가기</label>
          <select id="live-jump" data-live-jump data-testid="jump">
            <option value="0">1. 도입</option><option value="1">2. 문제</option><option value="2">3. 정리</option>
          </select>
          <button type="submit">이동</button>
        </form>
        <div data-live-preview data-testid="preview"></div>
      </section>
      <section class="live-question">
        <p data-live-question-status data-testid="question-status"></p>
        <p role="timer" data-live-countdown data-testid="countdown" hidden></p>
        <button type="button" data-live-close data-testid="close-question" hidden>문제 닫기</button>
        <dl><dt>답함</dt><dd data-live-tally-answered data-testid="tally-answered">0 / 0</dd>
            <dt>정답</dt><dd data-live-tally-correct data-testid="tally-correct">–</dd></dl>
        <ul data-live-tally-bars data-testid="tally-bars"></ul>
        <label><input type="checkbox" data-live-anonymous data-testid="anonymous" checked> 이름 숨기기</label>
        <button type="button" data-live-reveal data-testid="reveal">결과 공개</button>
        <div data-live-results data-testid="results" hidden></div>
      </section>
      <section><ol data-live-hands data-testid="hand-queue" tabindex="-1"></ol><p data-live-hands-empty></p></section>
      <section><h2>학생 <span data-live-roster-count></span></h2><ul data-live-roster data-testid="roster" tabindex="-1"></ul><p data-live-roster-empty></p></section>
      <dialog data-live-confirm data-testid="confirm">
        <p data-live-confirm-text></p>
        <button type="button" data-live-confirm-cancel data-testid="confirm-cancel">취소</button>
        <button type="button" data-live-confirm-ok data-testid="confirm-ok">확인</button>
      </dialog>
    </div>`;
  return document.querySelector<HTMLElement>("[data-live-console]")!;
}

const activityFoot = `<div class="activity-actions"><button type="submit" class="button primary">확인</button><div class="feedback" role="status" aria-live="polite"></div></div>`;

/** Slide fragments as GET /live/12/slides/<index>/ returns them. */
export const SLIDES: Record<number, string> = {
  0: `<section class="live-slide" data-slide-index="0"><h2>도입</h2><div class="block-text"><p>분수와 소수</p></div>
      <div class="block-math" data-latex="\\frac{3}{4}" data-display="0"><code>\\frac{3}{4}</code></div></section>`,
  1: `<section class="live-slide" data-slide-index="1"><h2>문제</h2>
      <form class="activity" data-activity data-block="b-num" data-kind="numeric" novalidate>
        <div class="prompt"><p>3/4를 소수로?</p></div><input type="text" name="answer" id="answer-b-num">${activityFoot}</form>
      <form class="activity" data-activity data-block="b-mc" data-kind="multiple_choice" novalidate><fieldset><legend>고르세요</legend>
        <label class="choice"><input type="checkbox" name="answer" value="0"> <span>0.75</span></label>
        <label class="choice"><input type="checkbox" name="answer" value="1"> <span>0.34</span></label>
        <label class="choice"><input type="checkbox" name="answer" value="2"> <span>75/100</span></label></fieldset>${activityFoot}</form>
      <script>window.hacked = true</script><img src="x" onerror="window.hacked = true"></section>`,
  2: `<section class="live-slide" data-slide-index="2"><h2>정리</h2>
      <form class="activity" data-activity data-block="b-poll" data-kind="poll" novalidate><fieldset><legend>어땠나요?</legend>
        <label class="choice"><input type="radio" name="answer" value="0"> <span>쉬워요</span></label>
        <label class="choice"><input type="radio" name="answer" value="1"> <span>어려워요</span></label></fieldset>${activityFoot}</form></section>`,
};

export interface FakeSlides {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  urls: string[];
  /** Holds responses until release() (for out-of-order tests). */
  hold: boolean;
  release(): void;
  status: number;
}

export function fakeSlides(): FakeSlides {
  const waiting: Array<() => void> = [];
  const fake: FakeSlides = {
    urls: [],
    hold: false,
    status: 200,
    release() {
      // Release in reverse order: the later request answers first.
      for (const go of waiting.splice(0).reverse()) go();
    },
    fetch: vi.fn((input: string) => {
      fake.urls.push(input);
      const index = Number(/\/(\d+)\/$/.exec(input)?.[1]);
      const respond = () =>
        fake.status === 200 && SLIDES[index] !== undefined
          ? new Response(SLIDES[index], { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } })
          : new Response("no", { status: fake.status === 200 ? 404 : fake.status });
      if (!fake.hold) return Promise.resolve(respond());
      return new Promise<Response>((resolve) => waiting.push(() => resolve(respond())));
    }),
  };
  return fake;
}

export const baseSnapshot = (extra: Record<string, unknown> = {}) => ({
  type: "snapshot",
  protocol: 2,
  version: 10,
  server_time: 1_764_050_000_000,
  state: "running",
  slide: { index: 1, count: 3 },
  question: { block: "", kind: "", deadline: null, revealed: false },
  locked: false,
  results: null,
  me: null,
  teacher: null,
  ...extra,
});

/** Lets pending promise callbacks (fetch → text → render) run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
