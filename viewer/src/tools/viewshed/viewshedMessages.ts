/** The viewshed tool's strings (under `viewshed.`). */
export const viewshedMessages = {
  'zh-CN': {
    viewshed: {
      label: '可视域',
      title: '可视域分析',
      pick: '单击观察点（地面或屋顶）。',
      loading: '正在计算…',
      eyeHeight: '视点高度（米）',
      radius: '半径（米）',
      summary: '可见 {all}%：地面 {ground}%，建筑立面 {faces}%。',
      legend: '绿色可见，红色不可见。',
      bad: '视点高度 0–500 m，半径 1–2000 m。',
    },
  },
  en: {
    viewshed: {
      label: 'Viewshed',
      title: 'Viewshed',
      pick: 'Click the viewpoint (on the ground or a roof).',
      loading: 'Computing…',
      eyeHeight: 'Eye height (m)',
      radius: 'Radius (m)',
      summary: '{all}% visible: ground {ground}%, building faces {faces}%.',
      legend: 'Green: visible; red: hidden.',
      bad: 'Eye height 0–500 m, radius 1–2000 m.',
    },
  },
};
