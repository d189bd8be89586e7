/** The height-limit tool's strings (under `heightLimit.`). */
export const heightLimitMessages = {
  'zh-CN': {
    heightLimit: {
      label: '限高分析',
      title: '限高分析',
      limit: '限高（米）',
      pick: '在地图上单击多边形的各个角点，双击结束。',
      loading: '正在分析…',
      summary: '区域内 {inside} 栋建筑，{over} 栋超过 {limit} m（面积 {area} m²）。',
      none: '区域内没有建筑超过 {limit} m。',
      columns: '建筑|高度 m|超出 m',
      more: '另有 {count} 栋未列出（见 CSV）。',
      badLimit: '限高应为 0 到 1000 之间的数字（米）。',
    },
  },
  en: {
    heightLimit: {
      label: 'Height limit',
      title: 'Height limit',
      limit: 'Limit (m)',
      pick: 'Click the corners of the area on the map; double-click to finish.',
      loading: 'Analysing…',
      summary: '{over} of the {inside} buildings in the area rise above {limit} m ({area} m²).',
      none: 'No building in the area rises above {limit} m.',
      columns: 'Building|Height m|Excess m',
      more: '{count} more not listed (see the CSV).',
      badLimit: 'The limit is a number of metres from 0 to 1000.',
    },
  },
};
