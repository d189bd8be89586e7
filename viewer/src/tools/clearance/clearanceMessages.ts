/** The clearance-conflicts tool's strings (under `clearance.`). */
export const clearanceMessages = {
  'zh-CN': {
    clearance: {
      label: '净距冲突',
      title: '管线净距冲突 (GB 50289)',
      loading: '正在读取建库报告…',
      none: '建库报告中没有净距冲突。',
      summary: '共发现 {found} 处，列出 {listed} 处。',
      step: '用 ◀ ▶ 或单击列表逐一查看。',
      pair: '{a} 与 {b}（{categories}）：{type}',
      measured: '实测 {actual} m，规范要求 ≥ {required} m',
      horizontal: '水平净距',
      vertical: '垂直净距',
    },
  },
  en: {
    clearance: {
      label: 'Clearance conflicts',
      title: 'Pipe clearance conflicts (GB 50289)',
      loading: 'Reading the build report…',
      none: 'The build report lists no clearance conflicts.',
      summary: '{found} found, {listed} listed.',
      step: 'Step through with ◀ ▶ or pick one in the list.',
      pair: '{a} and {b} ({categories}): {type}',
      measured: 'measured {actual} m, at least {required} m required',
      horizontal: 'horizontal clearance',
      vertical: 'vertical clearance',
    },
  },
};
