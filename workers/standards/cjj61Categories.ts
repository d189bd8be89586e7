/**
 * Pipe categories of CJJ 61-2017 《城市地下管线探测技术规程》 (codes, digits, colours, sub-types),
 * kept as data in one table: colours drive the tiles and the viewer's legend alike.
 * Source: shared/standards/README.md §b (secondary transcription of App. B/C/F) [V].
 */
export interface PipeCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Category digit of the 8-digit CJJ 61 feature code. */
  digit: number;
  rgb: [number, number, number];
  /** Sub-types (code → name), e.g. 排水: 雨水 YS, 污水 WS, 合流 HS. */
  subTypes: Record<string, string>;
  /**
   * Which surface the surveyed depth (埋深) refers to: gravity drainage is surveyed at the pipe
   * invert (管底), pressure pipes and cables at the top (管顶). [K] practice under CJJ 61 §5;
   * verify against the survey's own specification.
   */
  depthReference: 'top' | 'bottom';
}

export const CJJ61_CATEGORIES: readonly PipeCategory[] = [
  {
    code: 'JS',
    nameZh: '给水',
    nameEn: 'water supply',
    digit: 1,
    rgb: [0, 255, 255],
    depthReference: 'top',
    subTypes: { JY: '原水', SS: '输水', ZS: '中水', JP: '配水', JZ: '直饮', XS: '消防', LS: '绿化', JH: '循环' },
  },
  {
    code: 'PS',
    nameZh: '排水',
    nameEn: 'drainage',
    digit: 2,
    rgb: [76, 57, 38],
    depthReference: 'bottom',
    subTypes: { YS: '雨水', WS: '污水', HS: '雨污合流' },
  },
  { code: 'RQ', nameZh: '燃气', nameEn: 'gas', digit: 3, rgb: [255, 0, 255], depthReference: 'top', subTypes: { MQ: '煤气', YH: '液化气', TR: '天然气' } },
  { code: 'RL', nameZh: '热力', nameEn: 'district heating', digit: 4, rgb: [255, 128, 0], depthReference: 'top', subTypes: { RS: '热水', ZQ: '蒸汽' } },
  {
    code: 'DL',
    nameZh: '电力',
    nameEn: 'power',
    digit: 5,
    rgb: [255, 0, 0],
    depthReference: 'top',
    subTypes: { GD: '供电', LD: '路灯', XH: '信号', DC: '电车', GG: '广告' },
  },
  {
    code: 'TX',
    nameZh: '通信',
    nameEn: 'telecom',
    digit: 6,
    rgb: [0, 255, 0],
    depthReference: 'top',
    subTypes: { DH: '电话', DS: '有线电视', XX: '信息网络', GB: '广播' },
  },
  { code: 'GY', nameZh: '工业', nameEn: 'industrial', digit: 7, rgb: [0, 0, 0], depthReference: 'top', subTypes: { QQ: '氢', YQ: '氧' } },
  { code: 'ZH', nameZh: '综合管廊', nameEn: 'utility tunnel', digit: 8, rgb: [0, 0, 0], depthReference: 'top', subTypes: { ZH: '综合管沟' } },
  { code: 'QT', nameZh: '其他', nameEn: 'other', digit: 8, rgb: [102, 0, 204], depthReference: 'top', subTypes: { BM: '不明管线' } },
];

/** Sub-type codes that name their category on their own (排水 sub-types are used as layer codes). */
const SUB_TYPE_TO_CATEGORY: Record<string, string> = { YS: 'PS', WS: 'PS', HS: 'PS' };

/**
 * The category of a code as surveys write it: category codes (JS, PS…), drainage sub-type codes
 * used as layer names (YS 雨水, WS 污水, HS 合流), Chinese names (给水, 雨水…), any case.
 */
export function pipeCategoryOf(code: string): PipeCategory | undefined {
  // Asked for every segment, several times over: the few distinct codes of a survey are remembered.
  if (categoryMemo.has(code)) return categoryMemo.get(code);
  const category = lookUpCategory(code);
  if (categoryMemo.size < 1000) categoryMemo.set(code, category);
  return category;
}

const categoryMemo = new Map<string, PipeCategory | undefined>();

function lookUpCategory(code: string): PipeCategory | undefined {
  const key = code.trim().toUpperCase();
  const byCode = CJJ61_CATEGORIES.find((c) => c.code === (SUB_TYPE_TO_CATEGORY[key] ?? key));
  if (byCode) return byCode;
  const name = code.trim();
  return CJJ61_CATEGORIES.find((c) => c.nameZh === name || Object.values(c.subTypes).includes(name) || name.startsWith(c.nameZh));
}
