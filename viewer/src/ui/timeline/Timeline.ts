import './timeline.css';
import { clockTimeAt, type ClockState, type HistoryTimeline } from '../../../../workers/formats/history.js';
import { DEFAULT_REPLAY_SPEED, REPLAY_SPEEDS, stepMs } from '../../app/clock/clockTransitions.js';
import { h } from '../../platform/h.js';
import { fetchHistoryRange, fetchHistoryTimeline, serverApiBase } from '../../platform/historyApi.js';
import { readTokenOf, type SignInStore } from '../../platform/SignInStore.js';
import type { UiContext } from '../../platform/UiContext.js';
import { watchAny } from '../../platform/ViewerStore.js';
import { formatClockTime, formatTickTime, fractionOf, levelColour, tickTimes, timeAtFraction, timelineSpan, type TimelineSpan } from './timelineScale.js';

/** Alarm density buckets over the bar (10 minutes each over 24 h). */
const BUCKETS = 144;
/** The bar's content is fetched again this often (the last day moves on). */
const RELOAD_MS = 60_000;
/** A click this close to the bar's right end means now. */
const LIVE_SNAP = 0.995;

/**
 * The timeline across the bottom, above the status strip, in planner and wall mode: a badge
 * that says LIVE or REPLAY with the clock's time and speed (a replay also frames the whole
 * viewer, so it cannot pass for live), step / play / speed controls, the bar — the last 24 h
 * (or what the store keeps) with alarm density, incident marks coloured by level and a cursor
 * at the clock's time; click or drag to seek, arrows to step — and Back to live. Drawn with
 * plain DOM; the cursor and badge move once a second (4× while a replay plays), nothing per frame.
 */
export function mountTimeline(parent: HTMLElement, ui: UiContext, signIn: SignInStore): () => void {
  const { store, t } = ui;
  const clock = ui.commands.clock;
  const apiBase = serverApiBase(ui.config, ui.baseUrl);
  const viewerRoot = parent.closest('.cim-twin');

  const modeText = h('strong', { className: 'timeline-mode' });
  const timeText = h('time', { className: 'timeline-time' });
  const speedText = h('span', { className: 'timeline-speed' });
  const badge = h('div', { id: 'clock-badge', className: 'timeline-badge', attrs: { role: 'status' } }, modeText, timeText, speedText);

  const stepBack = h('button', { id: 'clock-step-back', attrs: { type: 'button' }, on: { click: () => clock.step(-1) } });
  const playPause = h('button', { id: 'clock-play', attrs: { type: 'button' }, on: { click: () => togglePlay() } });
  const stepForward = h('button', { id: 'clock-step-forward', attrs: { type: 'button' }, on: { click: () => clock.step(1) } });
  const speedSelect = h(
    'select',
    { id: 'clock-speed', on: { change: () => clock.setSpeed(Number(speedSelect.value)) } },
    ...REPLAY_SPEEDS.map((speed) => h('option', { attrs: { value: String(speed) } }, `×${speed}`)),
  );
  // Live shows the speed the next replay plays at.
  speedSelect.value = String(DEFAULT_REPLAY_SPEED);
  const controls = h('div', { className: 'timeline-controls' }, stepBack, playPause, stepForward, speedSelect);

  const density = h('div', { className: 'timeline-density' });
  const ticks = h('div', { className: 'timeline-ticks' });
  const marks = h('div', { className: 'timeline-marks' });
  const cursor = h('div', { className: 'timeline-cursor' });
  const note = h('span', { className: 'timeline-note' });
  const track = h('div', { id: 'timeline-track', className: 'timeline-track', attrs: { role: 'slider', tabindex: '0' } }, density, ticks, marks, cursor, note);
  const backToLive = h('button', { id: 'clock-live', className: 'back-to-live', attrs: { type: 'button' }, on: { click: () => clock.live() } });
  const root = h('section', { id: 'timeline' }, badge, controls, track, backToLive);
  parent.append(root);
  viewerRoot?.classList.add('has-timeline');

  let data: HistoryTimeline | null = null;
  let keptFrom: number | null = null;
  let failed = false;
  /** The span the marks were laid out for (they move only when it moves noticeably). */
  let drawnSpan: TimelineSpan | null = null;
  /** While dragging: where the cursor is, not yet sought. */
  let dragTime: number | null = null;
  let destroyed = false;

  const replayTime = (state: ClockState, now: number): number | undefined => (state.mode === 'replay' ? clockTimeAt(state, now) : undefined);
  const currentSpan = (now: number): TimelineSpan => timelineSpan(now, keptFrom, replayTime(store.getState().clock, now));

  function togglePlay(): void {
    const state = store.getState().clock;
    if (state.mode === 'replay' && !state.playing) clock.play();
    else clock.pause();
  }

  /** Bumped by every load: the 60 s refresh and a clock change may overlap, and only the latest load's answer applies. */
  let loads = 0;

  async function load(): Promise<void> {
    const mine = ++loads;
    try {
      const range = await fetchHistoryRange(apiBase);
      if (destroyed || mine !== loads) return;
      keptFrom = range.rawFrom;
      const span = currentSpan(Date.now());
      // The alarm density of the sensors the sign-in may read.
      const next = await fetchHistoryTimeline(apiBase, span.from, span.to, BUCKETS, readTokenOf(signIn.getState()));
      if (destroyed || mine !== loads) return;
      data = next;
      failed = false;
    } catch (error) {
      if (destroyed || mine !== loads) return;
      failed = true;
      console.warn('the timeline could not load the history', error);
    }
    drawnSpan = null;
    render();
  }

  /** Density, marks and tick labels, laid out along `span`. */
  function drawContent(span: TimelineSpan): void {
    drawnSpan = span;
    const percent = (time: number): string => `${(fractionOf(span, time) * 100).toFixed(3)}%`;
    const bars: HTMLElement[] = [];
    if (data) {
      const most = Math.max(1, ...data.alarms.map((a, i) => a + (data!.warnings[i] ?? 0)));
      for (let i = 0; i < data.alarms.length; i++) {
        const alarms = data.alarms[i] ?? 0;
        const warnings = data.warnings[i] ?? 0;
        if (!alarms && !warnings) continue;
        const start = data.from + i * data.bucketMs;
        const bar = h('div', { className: 'timeline-bucket' }, h('div', { className: 'timeline-alarms' }), h('div', { className: 'timeline-warnings' }));
        bar.style.left = percent(start);
        bar.style.width = `${Math.max(0.15, (fractionOf(span, start + data.bucketMs) - fractionOf(span, start)) * 100).toFixed(3)}%`;
        bar.style.height = `${Math.max(12, ((alarms + warnings) / most) * 100).toFixed(1)}%`;
        (bar.firstChild as HTMLElement).style.flexGrow = String(alarms);
        (bar.lastChild as HTMLElement).style.flexGrow = String(warnings);
        bar.dataset['alarms'] = String(alarms);
        bar.dataset['warnings'] = String(warnings);
        bars.push(bar);
      }
    }
    density.replaceChildren(...bars);
    marks.replaceChildren(
      ...(data?.incidents ?? [])
        .filter((mark) => mark.time >= span.from && mark.time <= span.to)
        .map((mark) => {
          const element = h('span', {
            className: 'timeline-mark',
            attrs: { title: `${formatClockTime(mark.time)} ${mark.headline}`, 'data-id': mark.id, 'data-level': String(mark.level), 'data-state': mark.state },
          });
          element.style.left = percent(mark.time);
          element.style.backgroundColor = levelColour(mark.level);
          return element;
        }),
    );
    ticks.replaceChildren(
      // A label too near the right end would be cut off: its line alone tells.
      ...tickTimes(span, 12).map((time) => {
        const tick = h('span', { className: 'timeline-tick' }, fractionOf(span, time) < 0.96 ? formatTickTime(time) : '');
        tick.style.left = percent(time);
        return tick;
      }),
    );
  }

  function render(): void {
    const now = Date.now();
    const state = store.getState().clock;
    const span = currentSpan(now);
    const length = span.to - span.from;
    if (!drawnSpan || Math.abs(drawnSpan.from - span.from) > length / 1000 || Math.abs(drawnSpan.to - span.to) > length / 1000) drawContent(span);
    const shown = dragTime ?? replayTime(state, now) ?? now;
    const replaying = state.mode === 'replay';
    cursor.style.left = `${(fractionOf(span, shown) * 100).toFixed(3)}%`;

    root.dataset['mode'] = state.mode;
    viewerRoot?.classList.toggle('clock-replay', replaying);
    modeText.textContent = t(replaying ? 'clock.replay' : 'clock.live');
    timeText.textContent = formatClockTime(shown);
    timeText.dateTime = new Date(shown).toISOString();
    speedText.textContent = !replaying ? '' : state.playing ? `×${state.speed}` : t('clock.paused');
    badge.setAttribute('aria-label', `${modeText.textContent} ${timeText.textContent} ${speedText.textContent}`.trim());

    const playing = !replaying || state.playing;
    playPause.textContent = playing ? '❚❚' : '▶';
    playPause.setAttribute('aria-label', t(playing ? 'clock.pause' : 'clock.play'));
    playPause.title = t(playing ? 'clock.pause' : 'clock.play');
    const span10 = spanText(stepMs(replaying ? state.speed : Number(speedSelect.value)));
    stepBack.textContent = `« ${span10}`;
    stepBack.title = t('clock.stepBack', { span: span10 });
    stepForward.textContent = `${span10} »`;
    stepForward.title = t('clock.stepForward', { span: span10 });
    stepForward.disabled = !replaying;
    if (replaying) speedSelect.value = String(state.speed);
    speedSelect.title = t('clock.speed');
    speedSelect.setAttribute('aria-label', t('clock.speed'));
    backToLive.textContent = t('clock.backToLive');
    backToLive.hidden = !replaying;

    track.setAttribute('aria-label', t('clock.timeline'));
    track.setAttribute('aria-valuemin', String(Math.round(span.from)));
    track.setAttribute('aria-valuemax', String(Math.round(span.to)));
    track.setAttribute('aria-valuenow', String(Math.round(shown)));
    track.setAttribute('aria-valuetext', formatClockTime(shown));
    note.textContent = failed ? t('clock.unavailable') : '';
  }

  function spanText(ms: number): string {
    if (ms < 60_000) return t('clock.seconds', { count: ms / 1000 });
    if (ms < 3_600_000) return t('clock.minutes', { count: ms / 60_000 });
    return t('clock.hours', { count: ms / 3_600_000 });
  }

  // Seeking: a click, or a drag that moves the cursor and seeks where it is let go.
  const timeAtPointer = (event: PointerEvent): number => {
    const box = track.getBoundingClientRect();
    const fraction = (event.clientX - box.left) / box.width;
    return fraction >= LIVE_SNAP ? Infinity : timeAtFraction(currentSpan(Date.now()), fraction);
  };
  const seekTo = (time: number): void => (time === Infinity ? clock.live() : clock.seek(time));
  track.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    track.setPointerCapture(event.pointerId);
    dragTime = Math.min(Date.now(), timeAtPointer(event));
    render();
  });
  track.addEventListener('pointermove', (event) => {
    if (dragTime === null) return;
    dragTime = Math.min(Date.now(), timeAtPointer(event));
    render();
  });
  track.addEventListener('pointerup', (event) => {
    if (dragTime === null) return;
    dragTime = null;
    seekTo(timeAtPointer(event));
  });
  track.addEventListener('pointercancel', () => {
    dragTime = null;
    render();
  });
  track.addEventListener('keydown', (event) => {
    const actions: Record<string, () => void> = {
      ArrowLeft: () => clock.step(-1),
      ArrowRight: () => clock.step(1),
      Home: () => clock.seek(currentSpan(Date.now()).from),
      End: () => clock.live(),
      ' ': togglePlay,
      Enter: togglePlay,
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // The cursor and badge follow the clock: at once on a change, then on a timer.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = (): void => {
    render();
    const state = store.getState().clock;
    timer = setTimeout(tick, state.mode === 'replay' && state.playing ? 250 : 1000);
  };
  const stopWatching = watchAny(store, [(s) => s.clock, (s) => s.language], () => {
    const span = currentSpan(Date.now());
    // A replay outside what was loaded (a link to an older time) loads the bar for it.
    if (data && span.from < data.from - (span.to - span.from) / 100) void load();
    render();
  });
  // Another sign-in, another role: its sensors' alarm density.
  const stopSignIn = watchAny(signIn, [readTokenOf], () => void load());
  const reload = setInterval(() => void load(), RELOAD_MS);
  tick();
  void load();

  return () => {
    destroyed = true;
    clearTimeout(timer);
    clearInterval(reload);
    stopWatching();
    stopSignIn();
    viewerRoot?.classList.remove('has-timeline', 'clock-replay');
    root.remove();
  };
}
