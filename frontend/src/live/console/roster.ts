/**
 * The console's students: the roster (presence, answered, raised hand, a remove button) and the
 * queue of raised hands (a lower button each). The roster lists the whole class: members who
 * have not joined are greyed out as "not joined", after those who joined, and nothing is ever
 * sent about them (their ids are negative). Rows stay in place while they change, so a button
 * keeps the focus; a newly raised hand is announced. Once the session ends the queue empties.
 */
import { fill } from "../labels";
import type { RosterEntry, TeacherFrame } from "../protocol";
import type { LiveState } from "../reconcile";
import { handQueue, isAbsent, isParticipantId, presenceCounts, sortRoster } from "../roster";
import { element, handIcon, hook } from "../view";
import type { Confirm } from "./confirm-dialog";
import type { ConsoleLabels, ConsoleViewLabels } from "./labels";

export interface RosterPanelOptions {
  root: HTMLElement;
  labels: ConsoleLabels & Partial<ConsoleViewLabels>;
  /** The roster as the console knows it now (a click acts on the current entry). */
  roster: () => readonly RosterEntry[];
  act: (frame: TeacherFrame) => void;
  confirm: Confirm;
  announce: (text: string) => void;
}

type Row = (entry: RosterEntry) => HTMLElement;
type Update = (row: HTMLElement, entry: RosterEntry) => void;

export class RosterPanel {
  private readonly doc: Document;
  private readonly list: HTMLElement | null;
  private readonly count: HTMLElement | null;
  private readonly empty: HTMLElement | null;
  private readonly hands: HTMLElement | null;
  private readonly handsEmpty: HTMLElement | null;
  private knownHands = new Set<number>();
  private seen = false;
  private ended = false;

  constructor(private readonly options: RosterPanelOptions) {
    const { root } = options;
    this.doc = root.ownerDocument;
    this.list = hook(root, "roster");
    this.count = hook(root, "roster-count");
    this.empty = hook(root, "roster-empty");
    this.hands = hook(root, "hands");
    this.handsEmpty = hook(root, "hands-empty");
  }

  /** Shows the state's roster; once `ended`, presence is hidden and the buttons are disabled. */
  render(state: LiveState, ended: boolean): void {
    const { labels } = this.options;
    this.ended = ended;
    const roster = state.teacher?.roster ?? [];
    const counts = presenceCounts(roster);
    if (this.list) this.sync(this.list, sortRoster(roster), this.buildPerson, this.updatePerson);
    const listed = counts.total + counts.absent; // the class, joined or not
    if (this.count) this.count.textContent = ended ? "" : fill(labels.roster_count, { connected: counts.connected, total: listed });
    if (this.empty) {
      this.empty.textContent = labels.no_participants;
      this.empty.hidden = roster.some((entry) => entry.status !== "absent"); // nobody joined yet: say so
    }
    const queue = ended ? [] : handQueue(roster); // hands mean nothing once the session is over
    if (this.hands) this.sync(this.hands, queue, this.buildHand, this.updateHand);
    if (this.handsEmpty) {
      this.handsEmpty.textContent = labels.no_hands;
      this.handsEmpty.hidden = queue.length > 0;
    }
    const newest = queue.filter((entry) => !this.knownHands.has(entry.id)).at(-1);
    if (newest && this.seen) this.options.announce(fill(labels.hand_up, { name: newest.nickname }));
    this.knownHands = new Set(queue.map((entry) => entry.id));
    this.seen = this.seen || state.teacher !== null;
  }

  /** Keeps rows in place (and the focus on their buttons) while updating them. */
  private sync(list: HTMLElement, entries: readonly RosterEntry[], build: Row, update: Update): void {
    const rows = new Map<string, HTMLElement>();
    for (const child of Array.from(list.children) as HTMLElement[]) {
      if (child.dataset.participantId) rows.set(child.dataset.participantId, child);
    }
    const focusLost = list.contains(this.doc.activeElement);
    const wanted: HTMLElement[] = entries.map((entry) => {
      const row = rows.get(String(entry.id)) ?? build(entry);
      rows.delete(String(entry.id));
      update(row, entry);
      return row;
    });
    for (const stale of rows.values()) stale.remove();
    const current = Array.from(list.children);
    if (current.length !== wanted.length || wanted.some((row, i) => current[i] !== row)) list.replaceChildren(...wanted);
    if (focusLost && !list.contains(this.doc.activeElement)) list.focus();
  }

  private async askRemove(entry: RosterEntry): Promise<void> {
    if (!isParticipantId(entry.id)) return; // not joined: there is no participant to remove
    if (await this.options.confirm(fill(this.options.labels.confirm_remove, { name: entry.nickname }))) {
      this.options.act({ type: "participant.remove", participant: entry.id });
    }
  }

  private readonly buildPerson: Row = (entry) => {
    const { doc } = this;
    const { labels } = this.options;
    const row = element(doc, "li", { class: "live-person" });
    row.dataset.participantId = String(entry.id);
    const name = element(doc, "span", { class: "live-person-name" });
    const badge = element(doc, "span", { class: "live-badge" });
    badge.dataset.liveStatus = "";
    const answered = element(doc, "span", { class: "live-answered" });
    answered.dataset.liveAnswered = "";
    answered.append(element(doc, "span", { "aria-hidden": "true" }, "✓"), element(doc, "span", { class: "visually-hidden" }, labels.answered));
    const hand = element(doc, "span", { class: "live-hand-mark" });
    hand.dataset.liveHandMark = "";
    hand.append(handIcon(doc), element(doc, "span", { class: "visually-hidden" }, labels.raised_hand ?? ""));
    const remove = element(doc, "button", { type: "button", class: "button small" }, labels.remove);
    remove.dataset.testid = "remove";
    remove.addEventListener("click", () => {
      const current = this.options.roster().find((p) => String(p.id) === row.dataset.participantId);
      if (current) void this.askRemove(current);
    });
    row.append(name, hand, answered, badge, remove);
    return row;
  };

  private readonly updatePerson: Update = (row, entry) => {
    const { labels } = this.options;
    const absent = isAbsent(entry);
    row.dataset.status = absent ? "absent" : entry.status;
    row.dataset.answered = String(entry.answered);
    row.dataset.hand = String(entry.hand !== null);
    row.querySelector(".live-person-name")!.textContent = entry.nickname;
    const badge = row.querySelector<HTMLElement>("[data-live-status]")!;
    badge.textContent = this.statusLabel(entry);
    badge.className = `live-badge live-status-${row.dataset.status}`;
    badge.hidden = this.ended && !absent; // presence means nothing once the session is over
    row.querySelector<HTMLElement>("[data-live-answered]")!.hidden = !entry.answered;
    row.querySelector<HTMLElement>("[data-live-hand-mark]")!.hidden = entry.hand === null || absent;
    const remove = row.querySelector<HTMLButtonElement>('[data-testid="remove"]')!;
    remove.setAttribute("aria-label", fill(labels.remove_name, { name: entry.nickname }));
    remove.disabled = this.ended;
    remove.hidden = absent; // nobody to remove
  };

  private readonly buildHand: Row = (entry) => {
    const row = element(this.doc, "li", { class: "live-hand-row" });
    row.dataset.participantId = String(entry.id);
    const name = element(this.doc, "span", { class: "live-person-name" });
    const lower = element(this.doc, "button", { type: "button", class: "button small" }, this.options.labels.lower_hand);
    lower.dataset.testid = "lower-hand";
    lower.addEventListener("click", () => {
      const participant = Number(row.dataset.participantId);
      if (isParticipantId(participant)) this.options.act({ type: "hand.lower", participant });
    });
    row.append(name, lower);
    return row;
  };

  private readonly updateHand: Update = (row, entry) => {
    row.dataset.status = entry.status;
    row.querySelector(".live-person-name")!.textContent = entry.nickname;
    const lower = row.querySelector<HTMLButtonElement>("button")!;
    lower.setAttribute("aria-label", fill(this.options.labels.lower_hand_name, { name: entry.nickname }));
    lower.disabled = this.ended;
  };

  private statusLabel(entry: RosterEntry): string {
    const { labels } = this.options;
    if (isAbsent(entry)) return labels.status_absent ?? "";
    return entry.status === "connected"
      ? labels.status_connected
      : entry.status === "reconnecting"
        ? labels.status_reconnecting
        : labels.status_gone;
  }
}
