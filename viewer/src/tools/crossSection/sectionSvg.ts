import type { CrossSection, LongitudinalProfile } from '../../../../workers/formats/pipeAnalyses.js';
import { CJJ61_CATEGORIES } from '../../../../workers/standards/cjj61Categories.js';

/** Size of the drawings (CSS pixels; the PNG export doubles it). */
export const DRAWING_WIDTH = 560;
export const DRAWING_HEIGHT = 300;
const LEFT = 52;
const RIGHT = 14;
const TOP = 26;
const BOTTOM = 34;
const CONFLICT = '#e01010';
/** A pipe narrower than this many pixels is drawn this wide, so a DN100 across a 40 m street still shows. */
const MIN_PIXELS = 5;

export interface DrawingLabels {
  title: string;
  depth: string;
  offset: string;
  ground: string;
  elevation?: string;
  chainage?: string;
  invert?: string;
}

/** The CJJ 61 map colour of a category (#rrggbb), grey for an unknown code. */
export function categoryColour(code: string): string {
  const rgb = CJJ61_CATEGORIES.find((c) => c.code === code)?.rgb ?? [128, 128, 128];
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The cross-section as SVG text: the ground line, a depth scale (m below ground) and an offset
 * scale (m along the line), each pipe at its offset and depth in its CJJ 61 colour (box sections
 * as rectangles), conflicting pairs outlined in red with the measured and required clearance.
 * Depth is exaggerated against offset (a street is 40 m wide and its pipes 3 m deep); sizes are
 * drawn in both scales. One drawing for the panel (painted on its canvas), the SVG export and
 * the PNG export. Every text from data is XML-escaped.
 */
export function sectionSvg(section: CrossSection, labels: DrawingLabels): string {
  const deepest = Math.max(2, ...section.pipes.map((p) => p.depthBottom)) + 0.5;
  const depthStep = niceStep(deepest, 6);
  const maxDepth = Math.ceil(deepest / depthStep) * depthStep;
  const x = (offset: number): number => LEFT + (offset / Math.max(section.length, 1e-9)) * (DRAWING_WIDTH - LEFT - RIGHT);
  const y = (depth: number): number => TOP + (depth / maxDepth) * (DRAWING_HEIGHT - TOP - BOTTOM);
  const perMetreX = (DRAWING_WIDTH - LEFT - RIGHT) / Math.max(section.length, 1e-9);
  const perMetreY = (DRAWING_HEIGHT - TOP - BOTTOM) / maxDepth;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${DRAWING_WIDTH}" height="${DRAWING_HEIGHT}" fill="#ffffff"/>`);
  parts.push(text(LEFT, 16, labels.title, { size: 12, weight: 'bold' }));
  // Soil below the ground line, depth grid and scale.
  parts.push(`<rect x="${LEFT}" y="${y(0)}" width="${DRAWING_WIDTH - LEFT - RIGHT}" height="${y(maxDepth) - y(0)}" fill="#f3ede2"/>`);
  for (let d = 0; d <= maxDepth + 1e-9; d += depthStep) {
    parts.push(`<line x1="${LEFT - 4}" y1="${f(y(d))}" x2="${DRAWING_WIDTH - RIGHT}" y2="${f(y(d))}" stroke="#d8cfbf" stroke-width="${d === 0 ? 0 : 0.6}"/>`);
    parts.push(text(LEFT - 6, y(d) + 4, d.toFixed(depthStep < 1 ? 1 : 0), { anchor: 'end' }));
  }
  parts.push(text(12, (y(0) + y(maxDepth)) / 2, labels.depth, { rotate: -90, anchor: 'middle' }));
  const offsetStep = niceStep(section.length, 8);
  for (let o = 0; o <= section.length + 1e-9; o += offsetStep) {
    parts.push(`<line x1="${f(x(o))}" y1="${f(y(maxDepth))}" x2="${f(x(o))}" y2="${f(y(maxDepth) + 4)}" stroke="#555"/>`);
    parts.push(text(x(o), y(maxDepth) + 15, o.toFixed(offsetStep < 1 ? 1 : 0), { anchor: 'middle' }));
  }
  parts.push(text((LEFT + DRAWING_WIDTH - RIGHT) / 2, DRAWING_HEIGHT - 4, labels.offset, { anchor: 'middle' }));
  // The ground line (depth 0: depths are below the ground where each pipe lies).
  parts.push(`<line x1="${LEFT}" y1="${f(y(0))}" x2="${DRAWING_WIDTH - RIGHT}" y2="${f(y(0))}" stroke="#5b4a2f" stroke-width="2"/>`);
  parts.push(text(DRAWING_WIDTH - RIGHT, y(0) - 4, labels.ground, { anchor: 'end' }));
  const conflicting = new Set(section.conflicts.flatMap((c) => [c.a, c.b]));
  for (const pipe of section.pipes) {
    const width = Math.max(MIN_PIXELS, pipe.width * perMetreX);
    const height = Math.max(MIN_PIXELS, pipe.height * perMetreY);
    const cx = x(pipe.offset);
    const cy = (y(pipe.depthTop) + y(pipe.depthBottom)) / 2;
    const stroke = conflicting.has(pipe.id) ? `stroke="${CONFLICT}" stroke-width="2.5"` : 'stroke="#222" stroke-width="0.8"';
    const fill = categoryColour(pipe.category);
    parts.push(
      pipe.diameter === null
        ? `<rect x="${f(cx - width / 2)}" y="${f(cy - height / 2)}" width="${f(width)}" height="${f(height)}" fill="${fill}" ${stroke}><title>${escapeXml(pipe.id)}</title></rect>`
        : `<ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(width / 2)}" ry="${f(height / 2)}" fill="${fill}" ${stroke}><title>${escapeXml(pipe.id)}</title></ellipse>`,
    );
    const size = pipe.diameter === null ? `${mm(pipe.width)}×${mm(pipe.height)}` : `DN${mm(pipe.diameter)}`;
    parts.push(text(cx + 3, cy - height / 2 - 4, `${pipe.category} ${size}`, { rotate: -60, size: 9 }));
  }
  for (const conflict of section.conflicts) {
    const a = section.pipes.find((p) => p.id === conflict.a);
    const b = section.pipes.find((p) => p.id === conflict.b);
    if (!a || !b) continue;
    const ya = (y(a.depthTop) + y(a.depthBottom)) / 2;
    const yb = (y(b.depthTop) + y(b.depthBottom)) / 2;
    parts.push(
      `<line x1="${f(x(a.offset))}" y1="${f(ya)}" x2="${f(x(b.offset))}" y2="${f(yb)}" stroke="${CONFLICT}" stroke-width="1.5" stroke-dasharray="4 2"/>`,
    );
    parts.push(
      text((x(a.offset) + x(b.offset)) / 2, Math.max(ya, yb) + 16, `${conflict.actual.toFixed(2)} < ${conflict.required.toFixed(2)} m`, {
        anchor: 'middle',
        fill: CONFLICT,
        weight: 'bold',
      }),
    );
  }
  return svgDocument(parts);
}

/**
 * The longitudinal profile (纵断面) as SVG: ground and invert (and crown) elevations along the
 * run's chainage, each pipe's slope in ‰, backfalls in red.
 */
export function profileSvg(profile: LongitudinalProfile, labels: DrawingLabels): string {
  const points = profile.pipes.flatMap((p) => [p.groundFrom, p.groundTo, p.invertFrom, p.invertTo]);
  const high = Math.max(...points, 0) + 0.5;
  const low = Math.min(...points) - 0.5;
  const step = niceStep(high - low, 6);
  const top = Math.ceil(high / step) * step;
  const bottom = Math.floor(low / step) * step;
  const length = Math.max(profile.length, 1e-9);
  const x = (chainage: number): number => LEFT + (chainage / length) * (DRAWING_WIDTH - LEFT - RIGHT);
  const y = (elevation: number): number => TOP + ((top - elevation) / (top - bottom)) * (DRAWING_HEIGHT - TOP - BOTTOM);
  const parts: string[] = [`<rect x="0" y="0" width="${DRAWING_WIDTH}" height="${DRAWING_HEIGHT}" fill="#ffffff"/>`];
  parts.push(text(LEFT, 16, labels.title, { size: 12, weight: 'bold' }));
  for (let e = bottom; e <= top + 1e-9; e += step) {
    parts.push(`<line x1="${LEFT - 4}" y1="${f(y(e))}" x2="${DRAWING_WIDTH - RIGHT}" y2="${f(y(e))}" stroke="#e2e2e2" stroke-width="0.6"/>`);
    parts.push(text(LEFT - 6, y(e) + 4, e.toFixed(step < 1 ? 1 : 0), { anchor: 'end' }));
  }
  parts.push(text(12, DRAWING_HEIGHT / 2, labels.elevation ?? '', { rotate: -90, anchor: 'middle' }));
  const chainStep = niceStep(length, 8);
  for (let c = 0; c <= length + 1e-9; c += chainStep) parts.push(text(x(c), DRAWING_HEIGHT - BOTTOM + 15, c.toFixed(0), { anchor: 'middle' }));
  parts.push(text((LEFT + DRAWING_WIDTH - RIGHT) / 2, DRAWING_HEIGHT - 4, labels.chainage ?? '', { anchor: 'middle' }));
  const line = (pick: (p: LongitudinalProfile['pipes'][number], end: 'from' | 'to') => number, colour: string, width: number): string =>
    `<polyline fill="none" stroke="${colour}" stroke-width="${width}" points="${profile.pipes
      .flatMap((p) => [`${f(x(p.from))},${f(y(pick(p, 'from')))}`, `${f(x(p.to))},${f(y(pick(p, 'to')))}`])
      .join(' ')}"/>`;
  parts.push(line((p, end) => (end === 'from' ? p.groundFrom : p.groundTo), '#5b4a2f', 2));
  parts.push(line((p, end) => (end === 'from' ? p.invertFrom + p.height : p.invertTo + p.height), categoryColour(profile.category), 1));
  parts.push(line((p, end) => (end === 'from' ? p.invertFrom : p.invertTo), categoryColour(profile.category), 2));
  const backfall = new Set(profile.backfalls);
  for (const p of profile.pipes) {
    parts.push(`<line x1="${f(x(p.from))}" y1="${f(y(p.invertFrom))}" x2="${f(x(p.from))}" y2="${f(y(p.groundFrom))}" stroke="#999" stroke-width="0.5"/>`);
    if (profile.pipes.length <= 30)
      parts.push(
        text((x(p.from) + x(p.to)) / 2, y((p.invertFrom + p.invertTo) / 2) + 14, `${(p.slope * 1000).toFixed(1)}‰`, {
          anchor: 'middle',
          size: 9,
          fill: backfall.has(p.id) ? CONFLICT : '#333',
        }),
      );
  }
  parts.push(text(DRAWING_WIDTH - RIGHT, TOP + 10, `${labels.ground} — ${labels.invert ?? ''}`, { anchor: 'end', size: 9 }));
  return svgDocument(parts);
}

function svgDocument(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${DRAWING_WIDTH}" height="${DRAWING_HEIGHT}" viewBox="0 0 ${DRAWING_WIDTH} ${DRAWING_HEIGHT}" font-family="sans-serif" font-size="10">${parts.join('')}</svg>`;
}

function text(
  x: number,
  y: number,
  value: string,
  options: { anchor?: 'start' | 'middle' | 'end'; size?: number; weight?: string; fill?: string; rotate?: number } = {},
): string {
  const transform = options.rotate ? ` transform="rotate(${options.rotate} ${f(x)} ${f(y)})"` : '';
  return `<text x="${f(x)}" y="${f(y)}" text-anchor="${options.anchor ?? 'start'}" font-size="${options.size ?? 10}" font-weight="${options.weight ?? 'normal'}" fill="${options.fill ?? '#222'}"${transform}>${escapeXml(value)}</text>`;
}

/** Text from data inside SVG markup: the five XML specials escaped. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A step of 1, 2 or 5 × 10ⁿ giving about `count` divisions of `span`. */
function niceStep(span: number, count: number): number {
  const raw = Math.max(span, 1e-6) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function f(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

function mm(metres: number): number {
  return Math.round(metres * 1000);
}
