/** The markup the Django template renders for the connection-check page. */
export const LABELS = {
  connecting: "연결 중…",
  open: "연결됨",
  reconnecting: "다시 연결하는 중…",
  closed: "연결 끊김",
  sent: "보냄",
  acked: "응답 받음",
  rtt: "왕복 시간",
  busy: "서버가 바빠요. 곧 다시 연결해요…",
};

export function renderLiveCheckPage(labelsJson: string = JSON.stringify(LABELS)): HTMLElement {
  document.body.innerHTML = `
    <script type="application/json" id="live-check-labels">${labelsJson}</script>
    <section data-live-check data-ws-path="/ws/echo/">
      <p><span data-connection-state></span></p>
      <button type="button" data-echo-send>에코 보내기</button>
      <output data-echo-pending></output>
      <ol data-echo-log></ol>
    </section>`;
  return document.querySelector<HTMLElement>("[data-live-check]")!;
}
