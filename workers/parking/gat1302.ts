import { LOCAL_UTC_OFFSET_MINUTES, type ParkingSite, type ParkingState } from '../formats/parking.js';
import { parkingStatus } from './parkingStatus.js';

/**
 * The record a Chinese parking information platform exchanges per site, with the field names of
 * GA/T 1302 as publicly described (泊位总数, 空闲泊位数, 更新时间 …). **Not checked against the
 * official text** — none is in the team's standards notes (/work/shared/standards) — so the names
 * are kept here as data in one table (GAT1302_FIELDS), to be corrected in one place.
 */
export interface GaT1302Record {
  停车场编号: string;
  停车场名称: string;
  停车场类型: string;
  经度: number;
  纬度: number;
  泊位总数: number;
  空闲泊位数: number | null;
  /** Local time (UTC+8) "YYYY-MM-DD HH:mm:ss" of the count. */
  更新时间: string | null;
  营业时间: string;
  收费标准: string;
  /** 空闲 / 紧张 / 已满 / 关闭 / 未知 */
  运行状态: string;
}

/** Each GA/T 1302 field, the site or state field it comes from, and how. */
export const GAT1302_FIELDS: readonly { field: keyof GaT1302Record; from: string; note: string }[] = [
  { field: '停车场编号', from: 'ParkingSite.id', note: 'as is' },
  { field: '停车场名称', from: 'ParkingSite.name', note: 'as is' },
  { field: '停车场类型', from: 'ParkingSite.kind', note: '道路停车泊位 / 地面停车场 / 地下停车库 / 停车楼 / 桥下停车场' },
  { field: '经度', from: 'ParkingSite.lon', note: 'WGS84 degrees (a platform on GCJ-02 converts)' },
  { field: '纬度', from: 'ParkingSite.lat', note: 'WGS84 degrees' },
  { field: '泊位总数', from: 'totalSpotNumber (ParkingSite.capacity)', note: 'as is' },
  { field: '空闲泊位数', from: 'availableSpotNumber', note: 'null when never counted' },
  { field: '更新时间', from: 'observedAt', note: 'local time UTC+8, "YYYY-MM-DD HH:mm:ss"' },
  { field: '营业时间', from: 'openingHours', note: '"HH:MM-HH:MM", "00:00-24:00" when always open' },
  { field: '收费标准', from: 'tariff', note: 'text: 首小时 … 元, 之后每小时 … 元, 夜间封顶 … 元' },
  { field: '运行状态', from: 'status', note: 'free 空闲, almostFull 紧张, full 已满, closed 关闭, unknown 未知 (outdated too)' },
];

const KIND_NAMES: Record<ParkingSite['kind'], string> = {
  onStreet: '道路停车泊位',
  surfaceLot: '地面停车场',
  underground: '地下停车库',
  multiStorey: '停车楼',
  underBridge: '桥下停车场',
};
const STATUS_NAMES = { free: '空闲', almostFull: '紧张', full: '已满', closed: '关闭', unknown: '未知' } as const;

const two = (n: number): string => String(n).padStart(2, '0');
const hhmm = (minutes: number): string => `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;

/** Local "YYYY-MM-DD HH:mm:ss" (UTC+8) of a time in ms. */
export function gaT1302Time(ms: number): string {
  const local = new Date(ms + LOCAL_UTC_OFFSET_MINUTES * 60_000);
  return `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
}

/** The time in ms of a local "YYYY-MM-DD HH:mm:ss" (UTC+8); NaN when it is not one. */
export function parseGaT1302Time(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - LOCAL_UTC_OFFSET_MINUTES * 60_000;
}

/** A site's GA/T 1302 record at `now` (status judged by parkingStatus). */
export function parkingToGaT1302(site: ParkingSite, state: ParkingState | null, now: number): GaT1302Record {
  const { tariff } = site;
  const charges = [
    tariff.freeMinutes > 0 ? `${tariff.freeMinutes}分钟内免费` : '',
    `首小时${tariff.firstHourYuan}元`,
    `之后每小时${tariff.perHourAfterYuan}元`,
    tariff.nightCapYuan !== undefined ? `夜间(${hhmm(tariff.nightFrom ?? 0)}-${hhmm(tariff.nightTo ?? 0)})封顶${tariff.nightCapYuan}元` : '',
  ].filter(Boolean);
  return {
    停车场编号: site.id,
    停车场名称: site.name,
    停车场类型: KIND_NAMES[site.kind],
    经度: site.lon,
    纬度: site.lat,
    泊位总数: site.capacity,
    空闲泊位数: state ? state.availableSpotNumber : null,
    更新时间: state ? gaT1302Time(state.observedAt) : null,
    营业时间: site.openingHours ? `${hhmm(site.openingHours.opens)}-${hhmm(site.openingHours.closes)}` : '00:00-24:00',
    收费标准: charges.join('，'),
    运行状态: STATUS_NAMES[parkingStatus(site, state, now).status],
  };
}

/** The count in a GA/T 1302 record as a ParkingState (null when it has none); throws on a malformed time or count. */
export function parkingStateFromGaT1302(record: Pick<GaT1302Record, '停车场编号' | '空闲泊位数' | '更新时间'>): ParkingState | null {
  if (record.空闲泊位数 === null || record.更新时间 === null) return null;
  const observedAt = parseGaT1302Time(record.更新时间);
  if (!Number.isFinite(observedAt)) throw new RangeError(`GA/T 1302 ${record.停车场编号}: 更新时间 "${record.更新时间}" is not "YYYY-MM-DD HH:mm:ss"`);
  if (!Number.isInteger(record.空闲泊位数) || record.空闲泊位数 < 0)
    throw new RangeError(`GA/T 1302 ${record.停车场编号}: 空闲泊位数 ${record.空闲泊位数} is not a count`);
  return { siteId: record.停车场编号, observedAt, availableSpotNumber: record.空闲泊位数 };
}
