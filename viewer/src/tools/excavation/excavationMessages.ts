/** The excavation tool's strings (under `excavation.`). */
export const excavationMessages = {
  'zh-CN': {
    excavation: {
      label: '开挖分析',
      title: '开挖分析',
      prompt: '单击添加基坑的角点，双击或回车结束；开挖深度可在下方修改。',
      more: '已选 {count} 个角点：双击或回车结束。',
      depth: '开挖深度 (m)',
      loading: '正在分析基坑内的管线…',
      summary: '基坑面积 {area} m²，深 {depth} m：{pipes} 条管线穿过，{conflicts} 处净距不足。',
      none: '基坑底以上没有管线。',
      buildings: '基坑范围内有 {count} 栋建筑，已整栋移除显示：{ids}',
      conflict: '{a} 与 {b}：{type} {actual} m，规范要求 ≥ {required} m',
      horizontal: '水平净距',
      vertical: '垂直净距',
      clear: '回填',
      column: { pipe: '管线', category: '类别', size: '规格', crown: '管顶埋深', invert: '管底埋深', owner: '权属单位' },
    },
  },
  en: {
    excavation: {
      label: 'Excavation pit',
      title: 'Excavation pit',
      prompt: 'Click the corners of the pit; double-click or Enter ends. Set the depth below.',
      more: '{count} corners: double-click or Enter ends.',
      depth: 'Depth (m)',
      loading: 'Finding the pipes in the pit…',
      summary: 'Pit of {area} m², {depth} m deep: {pipes} pipes cross it, {conflicts} clearances short.',
      none: 'No pipe runs above the pit floor.',
      buildings: 'Buildings over the pit, taken out of view whole ({count}): {ids}',
      conflict: '{a} and {b}: {type} {actual} m, the standard asks ≥ {required} m',
      horizontal: 'horizontal clearance',
      vertical: 'vertical clearance',
      clear: 'Fill in',
      column: { pipe: 'Pipe', category: 'Category', size: 'Size', crown: 'Crown depth', invert: 'Invert depth', owner: 'Owner' },
    },
  },
};
